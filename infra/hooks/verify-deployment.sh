#!/bin/sh
# Post-deploy verification, run by the azd postdeploy hook and by the pipeline.
#  1. GET /api/health answers 200 (retried while the new revision starts).
#  2. A protected endpoint refuses an anonymous caller with 401 or 403 (AUTH_ENABLED is on
#     in Azure). Set VERIFY_PROTECTED_PATH to another route, or to "" to skip this check.
# The base URL comes from SERVICE_API_URI (an output of infra/main.bicep).
set -eu

base="${SERVICE_API_URI:-}"
if [ -z "$base" ]; then
    base="$(azd env get-value SERVICE_API_URI)"
fi
attempts="${VERIFY_ATTEMPTS:-30}"
delay="${VERIFY_DELAY_SECONDS:-10}"
protected_path="${VERIFY_PROTECTED_PATH-/api/manage/reset-system}"

i=1
while :; do
    code="$(curl --silent --show-error --output /dev/null --write-out '%{http_code}' --max-time 10 "$base/api/health" || true)"
    if [ "$code" = "200" ]; then
        echo "verify: $base/api/health answered 200"
        break
    fi
    if [ "$i" -ge "$attempts" ]; then
        echo "verify: $base/api/health answered '$code' after $attempts attempts" >&2
        exit 1
    fi
    i=$((i + 1))
    sleep "$delay"
done

if [ -n "$protected_path" ]; then
    code="$(curl --silent --show-error --output /dev/null --write-out '%{http_code}' --max-time 10 \
        --request POST --header 'Content-Type: application/json' --data '{}' "$base$protected_path" || true)"
    case "$code" in
        401 | 403)
            echo "verify: anonymous POST $protected_path refused with $code"
            ;;
        *)
            echo "verify: anonymous POST $protected_path answered '$code', expected 401 or 403" >&2
            exit 1
            ;;
    esac
fi
