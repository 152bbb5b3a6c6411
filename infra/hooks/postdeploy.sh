#!/bin/sh
# azd postdeploy hook. On the first deployment the app was provisioned with the placeholder
# image and no health probes (the placeholder has no /api/health); once azd has pushed the
# real image, provision again so the probes apply. Then verify the deployment.
set -eu

if [ "${SERVICE_API_PROBES_ENABLED:-false}" != "true" ]; then
    echo "postdeploy: first deployment of the real image; provisioning again to enable the health probes."
    azd provision --no-prompt
fi

exec "$(dirname "$0")/verify-deployment.sh"
