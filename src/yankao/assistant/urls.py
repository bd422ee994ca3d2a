app_name = "assistant"

# Each subject adds its pages here (views/<subject>.py).
urlpatterns: list = []
