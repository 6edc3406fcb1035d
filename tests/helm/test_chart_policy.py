"""Every manifest the chart can render is valid Kubernetes, passes checkov and the restricted profile."""

from __future__ import annotations

import pytest

from .support import (
    CHART,
    DIGEST,
    KUBERNETES_VERSION,
    OPERATOR_CHOICES,
    chart,
    checkov_failures,
    pod_specs,
    render,
)

EVERYTHING_ON = {
    "image": {"digest": DIGEST},
    "imagePullSecrets": [{"name": "regcred"}],
    "ingress": {"enabled": True, "className": "nginx", "tls": [{"secretName": "tls", "hosts": ["chart-example.local"]}]},
    "autoscaling": {"enabled": True, "targetMemoryUtilizationPercentage": 80},
    "redis": {"existingSecret": "redis-auth"},
    "otel": {"enabled": True},
    "secret": {"values": {"NOYO_CLIENT_ID": "id", "NOYO_CLIENT_SECRET": "secret", "GATEWAY_WEBHOOK_SECRETS": "wh"}},
    "podDisruptionBudget": {"minAvailable": 1},
    "tests": {"apiKeySecret": "chart-test-key"},
    "extraEnv": [{"name": "GATEWAY_MAX_DEPTH", "value": "10"}],
}
VALUE_SETS = {"defaults": {}, "everything-on": EVERYTHING_ON, "existing-secret": {"secret": {"existingSecret": "x"}}}


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_every_manifest_validates_against_the_kubernetes_schemas(values):
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    manifests = render(values)
    assert manifests
    for manifest in manifests:
        # strict: unknown fields are errors too
        kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)


def test_a_broken_manifest_is_caught_by_the_validation():
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    deployment = next(m for m in render() if m["kind"] == "Deployment")
    deployment["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = 3
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_checkov_fails_nothing_with_a_pinned_image(tmp_path):
    failures = checkov_failures(render(EVERYTHING_ON), tmp_path)
    assert failures == [], [(f["check_id"], f["resource"]) for f in failures]


def test_checkov_fails_only_the_documented_operator_choices_with_defaults(tmp_path):
    failed = {f["check_id"] for f in checkov_failures(render(), tmp_path)}
    assert failed <= OPERATOR_CHOICES, failed - OPERATOR_CHOICES


def test_checkov_sees_a_weakened_security_context(tmp_path):
    # the scan is real: dropping the restricted profile is reported
    weakened = {**EVERYTHING_ON, "securityContext": {"readOnlyRootFilesystem": False}}
    failed = {f["check_id"] for f in checkov_failures(render(weakened), tmp_path)}
    assert "CKV_K8S_22" in failed  # read-only root filesystem


@pytest.mark.parametrize("values", VALUE_SETS.values(), ids=VALUE_SETS.keys())
def test_every_pod_meets_the_restricted_pod_security_standard(values):
    for name, spec in pod_specs(render(values)):
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True and pod["runAsUser"] >= 10000, name
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name
        assert not spec.get("hostNetwork") and not spec.get("hostPID") and not spec.get("hostIPC"), name
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["capabilities"] == {"drop": ["ALL"]}, name
            assert context["seccompProfile"] == {"type": "RuntimeDefault"}, name
            assert context.get("privileged") is not True, name
            assert {"cpu", "memory"} <= container["resources"]["limits"].keys(), name
            assert {"cpu", "memory"} <= container["resources"]["requests"].keys(), name


@pytest.mark.parametrize(
    ("values", "complaint"),
    [
        ({"replicas": 3}, "additional properties 'replicas'"),
        ({"image": {"repository": "x", "pullPolicy": "Sometimes"}}, "/image/pullPolicy"),
        ({"image": {"digest": "latest"}}, "/image/digest"),
        ({"service": {"type": "ClusterIP", "port": 0}}, "/service/port"),
        ({"redis": {"url": "http://redis:6379"}}, "/redis/url"),
        ({"podDisruptionBudget": {"minAvailable": 1, "maxUnavailable": 1}}, "/podDisruptionBudget"),
        ({"config": {"not a variable": "x"}}, "invalid propertyName"),
        ({"ingress": {"enabled": "yes"}}, "/ingress/enabled"),
        ({"livenessProbe": {"httpGet": {}, "periodSeconds": 0}}, "/livenessProbe/periodSeconds"),
    ],
)
def test_the_values_schema_is_strict(values, complaint):
    helm = pytest.importorskip("helm_python")
    with chart() as loaded, pytest.raises(helm.HelmValuesError, match="schema") as refused:
        loaded.render(values, name="noyo-gateway")
    assert complaint in str(refused.value)


def test_helm_lint_is_clean_in_strict_mode():
    helm = pytest.importorskip("helm_python")
    report = helm.lint(str(CHART), strict=True, kube_version=f"v{KUBERNETES_VERSION}")
    assert report["errors"] == []
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


def test_the_chart_offers_every_value_helm_create_offers(tmp_path):
    helm = pytest.importorskip("helm_python")
    with helm.Chart.create("noyo-gateway", str(tmp_path)) as scaffold:
        expected = scaffold.values
    with chart() as loaded:
        ours = loaded.values
    # HTTPRoute (Gateway API) is left out: its CRDs are not part of Kubernetes' own schemas.
    missing = {key for key in expected if key not in ours} - {"httpRoute"}
    assert missing == set()
    for key in ("image", "serviceAccount", "service", "ingress", "autoscaling"):
        assert set(expected[key]) <= set(ours[key]), key
