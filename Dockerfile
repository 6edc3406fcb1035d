# noyo-gateway: the GraphQL gateway over Noyo's Fulfillment API.
#   docker build .                 the production image: the gateway only (the default, last stage)
#   docker build --target demo .   the same plus the Noyo emulator, for `noyo-gateway serve --demo`
ARG PYTHON_IMAGE=python:3.11-slim

# The console and GraphiQL, built from the pinned npm packages (console/package-lock.json).
FROM node:20-slim AS assets
WORKDIR /src/console
COPY console/package.json console/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY schema.graphql /src/
COPY console ./
RUN npm run build

FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE requirements.lock ./
COPY gateway ./gateway
COPY --from=assets /src/gateway/static ./gateway/static
COPY noyo_emulator ./noyo_emulator
RUN pip install --no-cache-dir --prefix=/install -c requirements.lock . \
    && cp -a /install /gateway-only \
    && rm -rf /gateway-only/lib/python3.11/site-packages/noyo_emulator

FROM ${PYTHON_IMAGE} AS runtime
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home gateway
WORKDIR /app
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    GATEWAY_ENV=production
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
ENTRYPOINT ["noyo-gateway"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]

FROM runtime AS demo
COPY --from=build /install /usr/local
USER 10001
ENV GATEWAY_ENV=development
CMD ["serve", "--demo", "--host", "0.0.0.0", "--port", "8000"]

FROM runtime AS production
COPY --from=build /gateway-only /usr/local
USER 10001
