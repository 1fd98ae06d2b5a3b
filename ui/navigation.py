"""Every page of the app, once: app.py builds the navigation from it, the home page its guide."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str
    title_key: str
    icon: str
    description_key: str | None = None  # shown on the home page's "where to go next"
    default: bool = False
    permission: str = "service.view"    # a key of kpi.access.PERMISSIONS: who may open the page

    @property
    def url_path(self) -> str:
        return self.path.removeprefix("pages/").removesuffix(".py")


SECTIONS: dict[str, tuple[PageSpec, ...]] = {
    "nav.section.data": (
        PageSpec("pages/home.py", "nav.home", ":material/home:", default=True),
        PageSpec("pages/upload.py", "nav.upload", ":material/upload_file:", "home.go.upload",
                 permission="data.import"),
        PageSpec("pages/batches.py", "nav.batches", ":material/history:", "home.go.batches",
                 permission="data.import"),
    ),
    "nav.section.service": (
        PageSpec("pages/weekly.py", "nav.weekly", ":material/event_note:", "home.go.weekly"),
        PageSpec("pages/sla_settings.py", "nav.sla_settings", ":material/schedule:", "home.go.sla_settings"),
        PageSpec("pages/targets.py", "nav.targets", ":material/flag:", "home.go.targets"),
    ),
    "nav.section.people": (
        PageSpec("pages/people_matrix.py", "nav.people_matrix", ":material/grid_on:", "home.go.people_matrix",
                 permission="people.view"),
        PageSpec("pages/people_person.py", "nav.people_person", ":material/radar:", "home.go.people_person",
                 permission="people.view"),
        PageSpec("pages/people_team.py", "nav.people_team", ":material/groups:", "home.go.people_team",
                 permission="people.view"),
        PageSpec("pages/people_data.py", "nav.people_data", ":material/manage_accounts:", permission="people.view"),
        PageSpec("pages/people_model.py", "nav.people_model", ":material/account_tree:", permission="people.view"),
    ),
    "nav.section.okr": (
        PageSpec("pages/okr_tree.py", "nav.okr_tree", ":material/flag:", "home.go.okr_tree"),
        PageSpec("pages/okr_weekly.py", "nav.okr_weekly", ":material/checklist:", "home.go.okr_weekly",
                 permission="people.view"),
    ),
    "nav.section.contact": (
        PageSpec("pages/phone.py", "nav.phone", ":material/call:", "home.go.phone", permission="service.view"),
        PageSpec("pages/staffing.py", "nav.staffing", ":material/support_agent:", "home.go.staffing"),
        PageSpec("pages/channel_mix.py", "nav.channel_mix", ":material/alt_route:", "home.go.channel_mix"),
    ),
    "nav.section.executive": (
        PageSpec("pages/roi.py", "nav.roi", ":material/savings:", "home.go.roi", permission="roi.view"),
    ),
}


def destinations() -> list[PageSpec]:
    return [spec for specs in SECTIONS.values() for spec in specs if spec.description_key]
