app_name = "warranty"
urlpatterns: list = []
