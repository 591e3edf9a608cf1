import factory

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCentre, User

PASSWORD = "secret-pass-1"


class ServiceCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCentre
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SC{n:02d}")
    name = factory.Sequence(lambda n: f"服务中心{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"员工{n}")
    role = Role.AGENT
    service_centre = factory.SubFactory(ServiceCentreFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
