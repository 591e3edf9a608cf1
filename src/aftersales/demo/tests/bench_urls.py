from django.urls import include, path

# The project's URLs with the bench endpoints mounted, as BENCH_ENDPOINTS=true does.
urlpatterns = [path("bench/", include("aftersales.demo.urls"))]
