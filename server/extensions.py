"""Extensions are created unbound here and bound to the app in ``create_app``."""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from server.core.api import Api
from server.core.models import Base

# Objects stay usable after commit: routes commit, then serialise what they wrote.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
api = Api()
