"""The chart renders what an operator asks for: names, labels, the objects `helm create` gives, and more."""

from __future__ import annotations

import base64

import pytest

from .support import DIGEST, NAMESPACE, RELEASE, gateway_container, notes, of_kind, one, render, rendered

SELECTOR = {"app.kubernetes.io/name": "noyo-gateway", "app.kubernetes.io/instance": RELEASE}


def names(manifests):
    return {(m["kind"], m["metadata"]["name"]) for m in manifests}


def test_the_release_noyo_gateway_is_named_noyo_gateway_not_twice():
    manifests = render()
    assert {name for _, name in names(manifests)} == {"noyo-gateway", "noyo-gateway-test-graphql"}
    assert all(m["metadata"]["namespace"] == NAMESPACE for m in manifests)


@pytest.mark.parametrize(
    ("release", "values", "expected"),
    [
        ("prod", {}, "prod-noyo-gateway"),
        ("prod", {"nameOverride": "api"}, "prod-api"),
        ("prod", {"fullnameOverride": "graph"}, "graph"),
        ("noyo-gateway-eu", {}, "noyo-gateway-eu"),
    ],
)
def test_name_overrides_follow_helm_create(release, values, expected):
    deployment = one(render(values, name=release), "Deployment")
    assert deployment["metadata"]["name"] == expected
    assert one(render(values, name=release), "Service")["metadata"]["name"] == expected


def test_every_object_carries_the_standard_labels_and_the_selector_matches_only_gateway_pods():
    manifests = render()
    for manifest in manifests:
        labels = manifest["metadata"]["labels"]
        assert labels["app.kubernetes.io/managed-by"] == "Helm"
        assert labels["helm.sh/chart"] == "noyo-gateway-0.2.0"
        assert labels["app.kubernetes.io/version"] == "0.1.0"
        assert labels["app.kubernetes.io/part-of"] == "noyo-gateway"
    deployment = one(manifests, "Deployment")
    assert deployment["spec"]["selector"]["matchLabels"] == SELECTOR
    assert one(manifests, "Service")["spec"]["selector"] == SELECTOR
    # the test pod is no endpoint of the Service
    test_pod = one(manifests, "Pod")
    assert not SELECTOR.items() <= test_pod["metadata"]["labels"].items()


def test_defaults_give_the_helm_create_objects_plus_disruption_budget_and_network_policies():
    kinds = sorted(m["kind"] for m in render())
    assert kinds == sorted(
        ["ConfigMap", "Deployment", "NetworkPolicy", "NetworkPolicy", "PodDisruptionBudget", "Pod", "Secret",
         "Service", "ServiceAccount"]
    )


def test_service_account_is_created_without_a_mounted_token():
    manifests = render()
    account = one(manifests, "ServiceAccount")
    assert account["automountServiceAccountToken"] is False
    pod = one(manifests, "Deployment")["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == account["metadata"]["name"]
    assert pod["automountServiceAccountToken"] is False
    # and an existing one can be named instead
    manifests = render({"serviceAccount": {"create": False, "name": "shared"}})
    assert not of_kind(manifests, "ServiceAccount")
    assert one(manifests, "Deployment")["spec"]["template"]["spec"]["serviceAccountName"] == "shared"


def test_ingress_routes_hosts_to_the_service_with_tls():
    values = {
        "ingress": {
            "enabled": True,
            "className": "nginx",
            "hosts": [{"host": "graph.example.com", "paths": [{"path": "/", "pathType": "Prefix"}]}],
            "tls": [{"secretName": "graph-tls", "hosts": ["graph.example.com"]}],
        }
    }
    manifests = render(values)
    ingress = one(manifests, "Ingress")
    assert ingress["spec"]["ingressClassName"] == "nginx"
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "graph.example.com"
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "noyo-gateway", "port": {"number": 80}}
    assert ingress["spec"]["tls"] == [{"hosts": ["graph.example.com"], "secretName": "graph-tls"}]
    assert "https://graph.example.com/graphql" in notes(values)


def test_autoscaling_replaces_the_replica_count_with_an_hpa():
    manifests = render({"autoscaling": {"enabled": True, "minReplicas": 3, "maxReplicas": 9}})
    hpa = one(manifests, "HorizontalPodAutoscaler")
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 9)
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "noyo-gateway"}
    assert "replicas" not in one(manifests, "Deployment")["spec"]
    assert one(render(), "Deployment")["spec"]["replicas"] == 2


def test_pod_placement_and_metadata_pass_through():
    values = {
        "imagePullSecrets": [{"name": "regcred"}],
        "podAnnotations": {"example.com/team": "benefits"},
        "podLabels": {"tier": "api"},
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "api", "effect": "NoSchedule"}],
        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "pool", "operator": "In", "values": ["api"]}]}]}}},
    }
    template = one(render(values), "Deployment")["spec"]["template"]
    spec = template["spec"]
    assert spec["imagePullSecrets"] == [{"name": "regcred"}]
    assert template["metadata"]["annotations"]["example.com/team"] == "benefits"
    assert template["metadata"]["labels"]["tier"] == "api"
    assert spec["nodeSelector"] == {"kubernetes.io/os": "linux"}
    assert spec["tolerations"] == values["tolerations"]
    assert spec["affinity"] == values["affinity"]


def test_replicas_spread_over_nodes_and_zones_by_default_or_as_configured():
    spread = one(render(), "Deployment")["spec"]["template"]["spec"]["topologySpreadConstraints"]
    assert [c["topologyKey"] for c in spread] == ["kubernetes.io/hostname", "topology.kubernetes.io/zone"]
    assert all(c["labelSelector"]["matchLabels"] == SELECTOR for c in spread)
    custom = [{"maxSkew": 2, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
               "labelSelector": {"matchLabels": SELECTOR}}]
    assert one(render({"topologySpreadConstraints": custom}), "Deployment")["spec"]["template"]["spec"][
        "topologySpreadConstraints"] == custom


def test_probes_are_tunable_and_shutdown_drains_before_sigterm():
    container = gateway_container(render())
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["lifecycle"]["preStop"]["exec"]["command"] == ["sleep", "5"]
    tuned = render({"readinessProbe": {"httpGet": {"path": "/readyz", "port": "http"}, "periodSeconds": 1},
                    "preStopSleepSeconds": 12, "terminationGracePeriodSeconds": 60})
    assert gateway_container(tuned)["readinessProbe"]["periodSeconds"] == 1
    assert gateway_container(tuned)["lifecycle"]["preStop"]["exec"]["command"] == ["sleep", "12"]
    assert one(tuned, "Deployment")["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] == 60


def test_disruption_budget_defaults_to_one_unavailable_and_takes_min_available():
    assert one(render(), "PodDisruptionBudget")["spec"] == {"maxUnavailable": 1, "selector": {"matchLabels": SELECTOR}}
    assert one(render({"podDisruptionBudget": {"minAvailable": "50%"}}), "PodDisruptionBudget")["spec"][
        "minAvailable"] == "50%"
    assert not of_kind(render({"podDisruptionBudget": {"enabled": False}}), "PodDisruptionBudget")


def test_network_policy_admits_the_namespace_and_the_test_pod_and_egress_only_where_needed():
    gateway, test = sorted(of_kind(render({"redis": {"url": "redis://redis:6379/0"}}), "NetworkPolicy"),
                           key=lambda m: m["metadata"]["name"])
    assert gateway["spec"]["podSelector"]["matchLabels"] == SELECTOR
    peers = gateway["spec"]["ingress"][0]["from"]
    assert {"podSelector": {}} in peers
    assert {"podSelector": {"matchLabels": test["spec"]["podSelector"]["matchLabels"]}} in peers
    egress_ports = sorted(p["port"] for rule in gateway["spec"]["egress"] for p in rule["ports"])
    assert egress_ports == [53, 53, 443, 6379]
    # the test pod reaches the gateway pods only
    assert test["spec"]["egress"][1]["to"] == [{"podSelector": {"matchLabels": SELECTOR}}]
    restricted = render({"networkPolicy": {"ingressFrom": [{"namespaceSelector": {"matchLabels": {"name": "ingress"}}}]}})
    peers = sorted(of_kind(restricted, "NetworkPolicy"), key=lambda m: m["metadata"]["name"])[0]["spec"]["ingress"][0]["from"]
    assert {"podSelector": {}} not in peers
    assert {"namespaceSelector": {"matchLabels": {"name": "ingress"}}} in peers


def test_config_and_secret_changes_roll_the_pods():
    def annotations(values):
        return one(render(values), "Deployment")["spec"]["template"]["metadata"]["annotations"]

    base = annotations({})
    assert annotations({"config": {"GATEWAY_ENV": "production", "GATEWAY_MAX_DEPTH": "8"}})["checksum/config"] != base[
        "checksum/config"]
    changed = annotations({"secret": {"values": {"NOYO_CLIENT_SECRET": "rotated"}}})
    assert changed["checksum/secret"] != base["checksum/secret"]
    assert changed["checksum/config"] == base["checksum/config"]
    assert "checksum/secret" not in annotations({"secret": {"existingSecret": "managed-elsewhere"}})


def test_credentials_including_the_webhook_secret_are_files_not_environment_variables():
    values = {"secret": {"values": {"NOYO_CLIENT_ID": "id", "NOYO_CLIENT_SECRET": "s3cret",
                                    "GATEWAY_WEBHOOK_SECRETS": "whsec-1,whsec-0"}}}
    manifests = render(values)
    secret = one(manifests, "Secret")
    decoded = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    assert decoded == {"NOYO_CLIENT_ID": "id", "NOYO_CLIENT_SECRET": "s3cret", "GATEWAY_WEBHOOK_SECRETS": "whsec-1,whsec-0"}
    container = gateway_container(manifests)
    assert "env" not in container
    assert all("secretRef" not in source for source in container["envFrom"])
    volumes = {v["name"]: v for v in one(manifests, "Deployment")["spec"]["template"]["spec"]["volumes"]}
    assert volumes["secrets"]["projected"]["sources"] == [{"secret": {"name": "noyo-gateway"}}]
    mount = next(m for m in container["volumeMounts"] if m["name"] == "secrets")
    assert mount["readOnly"] is True
    assert one(manifests, "ConfigMap")["data"]["GATEWAY_SECRETS_DIR"] == mount["mountPath"]
    # nothing secret in the ConfigMap
    assert "s3cret" not in str(one(manifests, "ConfigMap"))


def test_an_existing_secret_replaces_the_chart_one():
    manifests = render({"secret": {"existingSecret": "noyo-credentials"}})
    assert not of_kind(manifests, "Secret")
    volumes = {v["name"]: v for v in one(manifests, "Deployment")["spec"]["template"]["spec"]["volumes"]}
    assert volumes["secrets"]["projected"]["sources"] == [{"secret": {"name": "noyo-credentials"}}]
    assert "noyo-credentials" in notes({"secret": {"existingSecret": "noyo-credentials"}})


def test_redis_comes_from_a_plain_url_or_from_a_secret_key():
    config = one(render({"redis": {"url": "redis://redis.cache:6379/0"}}), "ConfigMap")["data"]
    assert config["GATEWAY_CACHE_URL"] == "redis://redis.cache:6379/0"

    manifests = render({"redis": {"existingSecret": "redis-auth", "existingSecretKey": "url"}})
    assert "GATEWAY_CACHE_URL" not in one(manifests, "ConfigMap")["data"]
    sources = next(v for v in one(manifests, "Deployment")["spec"]["template"]["spec"]["volumes"]
                   if v["name"] == "secrets")["projected"]["sources"]
    assert {"secret": {"name": "redis-auth", "items": [{"key": "url", "path": "GATEWAY_CACHE_URL"}]}} in sources
    # with several replicas and no Redis, the notes warn
    assert "no Redis is configured" in notes({})
    assert "no Redis is configured" not in notes({"redis": {"url": "redis://r:6379/0"}})


def test_opentelemetry_is_configured_through_the_standard_variables_when_enabled():
    assert not any(k.startswith("OTEL_") for k in one(render(), "ConfigMap")["data"])
    manifests = render({"otel": {"enabled": True, "endpoint": "http://collector.obs:4318"}})
    config = one(manifests, "ConfigMap")["data"]
    assert config["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://collector.obs:4318"
    assert config["OTEL_TRACES_EXPORTER"] == "otlp"
    assert config["OTEL_SERVICE_NAME"] == "noyo-gateway"
    gateway = next(m for m in of_kind(manifests, "NetworkPolicy") if m["metadata"]["name"] == "noyo-gateway")
    assert 4318 in [p["port"] for rule in gateway["spec"]["egress"] for p in rule["ports"]]


def test_the_image_is_pinned_by_digest_when_given():
    assert gateway_container(render())["image"] == "noyo-gateway:0.1.0"
    assert gateway_container(render({"image": {"tag": "0.2.0"}}))["image"] == "noyo-gateway:0.2.0"
    assert gateway_container(render({"image": {"digest": DIGEST}}))["image"] == f"noyo-gateway@{DIGEST}"


def test_chart_files_match_helm_create_and_the_helmignore_keeps_vcs_out():
    files = set(rendered())
    for template in ("deployment", "service", "serviceaccount", "ingress", "hpa"):
        assert f"noyo-gateway/templates/{template}.yaml" in files
    assert "noyo-gateway/templates/NOTES.txt" in files
    from .support import CHART

    ignored = (CHART / ".helmignore").read_text().splitlines()
    assert ".git/" in ignored and "*.swp" in ignored
