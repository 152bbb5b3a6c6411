# The Functions app image for Azure Container Apps (kind 'functionapp').
# Base: the official Azure Functions Python 4.x host image for Python 3.11, the version
# pyproject.toml targets. The host serves HTTP on port 80 (ingress targetPort in
# infra/modules/function-app.bicep). azd builds this file remotely in ACR (azure.yaml).
FROM mcr.microsoft.com/azure-functions/python:4-python3.11

# checkov:skip=CKV_DOCKER_3:the official base image runs the Functions host as root on port 80; a non-root user would need another port and the host's write paths, not verified without a container engine. No credentials live in the image: tokens come from the managed identity endpoint

ENV AzureWebJobsScriptRoot=/home/site/wwwroot \
    AzureFunctionsJobHost__Logging__Console__IsEnabled=true \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Dependencies first, so code changes reuse this layer. Only the runtime lock (every package
# pinned, with hashes pip checks): dev, test and infra tooling never enter the image.
COPY requirements.lock /requirements.lock
RUN pip install --no-cache-dir --require-hashes -r /requirements.lock

COPY . /home/site/wwwroot

# Container Apps ignores HEALTHCHECK and uses the probes in the Bicep; this one serves
# `docker run` and local orchestrators, against the same anonymous endpoint.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost/api/health', timeout=5)" || exit 1
