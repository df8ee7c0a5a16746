"""What the directory's pages call the kinds of organisation (translated where shown: ``_(label)``)."""

from __future__ import annotations

from ...i18n import N_
from ...models import OrganisationKind

KIND_LABELS = {
    OrganisationKind.FEDERAL: N_("Federal"),
    OrganisationKind.PROVINCIAL: N_("Provincial"),
    OrganisationKind.MUNICIPAL: N_("Municipal"),
    OrganisationKind.AGENCY: N_("Agency"),
    OrganisationKind.CROWN_CORPORATION: N_("Crown corporation"),
    OrganisationKind.INTERGOVERNMENTAL: N_("Intergovernmental"),
    OrganisationKind.ACADEMIC: N_("Academic"),
    OrganisationKind.NON_PROFIT: N_("Non-profit"),
    OrganisationKind.PRIVATE: N_("Private"),
}
