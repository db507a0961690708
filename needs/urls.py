app_name = "needs"

urlpatterns: list = []
