"""Every model module, imported in one place so Alembic and the tests see the whole schema."""

from server.accounts import models as accounts_models  # noqa: F401
from server.board import models as board_models  # noqa: F401
from server.capacity import models as capacity_models  # noqa: F401
from server.huddles import models as huddles_models  # noqa: F401
from server.improvement import models as improvement_models  # noqa: F401
from server.measures import models as measures_models  # noqa: F401
from server.organisations import models as organisations_models  # noqa: F401
from server.sync_api import models as sync_models  # noqa: F401
from server.notifications import models as notifications_models  # noqa: F401
from server.milestones import models as milestones_models  # noqa: F401
from server.fidelity import models as fidelity_models  # noqa: F401
from server.coaching import models as coaching_models  # noqa: F401
from server.learning import models as learning_models  # noqa: F401
from server.rota import models as rota_models  # noqa: F401
from server.audit import models as audit_models  # noqa: F401
from server.invitations import models as invitations_models  # noqa: F401
