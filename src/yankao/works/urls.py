app_name = "works"

# Each subject adds its pages here (views/<subject>.py).
urlpatterns: list = []
