"""Which application server answered: the deployment tests' two-server stack names each one
(``DEPLOY_SERVER_NAME``) so a test can tell, through nginx, where a request went."""

import os


class ServedByMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.name = os.environ.get("DEPLOY_SERVER_NAME", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.name:
            response["X-Served-By"] = self.name
        return response
