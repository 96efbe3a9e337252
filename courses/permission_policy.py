"""Wagtail's page permission policy, limited to the runs of a member of staff's organisations.

The admin asks the registered Page policy which pages a user may explore or act on: the
explorer, page search, the sidebar's page menu, the dashboard panels and reports. This
policy leaves out the course runs (and their sessions) of organisations a restricted trainer
or evaluator is not in, so no admin listing shows their titles. What they may do to such a
page, were they to reach it by URL, is refused by the pages' ``permissions_for_user``.
"""

from wagtail.permission_policies.pages import PagePermissionPolicy

from courses.selectors import pages_without_hidden_runs


class OrganisationPagePermissionPolicy(PagePermissionPolicy):
    def instances_user_has_any_permission_for(self, user, actions):
        pages = super().instances_user_has_any_permission_for(user, actions)
        return pages_without_hidden_runs(pages, user)

    def explorable_instances(self, user):
        return pages_without_hidden_runs(super().explorable_instances(user), user)
