from flask_smorest import Blueprint
blp = Blueprint("invitations", __name__, url_prefix="/api", description="Invitations")
