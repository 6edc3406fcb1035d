# noyo-gateway: the GraphQL gateway over Noyo's Fulfillment API.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY noyo_emulator ./noyo_emulator
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home /app gateway
COPY --from=build /install /usr/local
WORKDIR /app
USER 10001
ENV PYTHONUNBUFFERED=1 \
    GATEWAY_ENV=production
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
ENTRYPOINT ["noyo-gateway"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
