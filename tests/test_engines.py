"""Engine configurations and the exact commands they build (no process is started here)."""

from __future__ import annotations

import json

import pytest
import yaml

from app.catalog import engine_settings
from app.deploy import engines
from app.errors import Invalid
from tests.helm import TEST_CHARTS, helm

DEPLOYMENT = {
    "id": "run-42",
    "application": "shop",
    "version": "1.0.8",
    "by": "alice",
    "environment": {"name": "prod", "stage": "prod", "cluster": "prod-eu-1", "namespace": "shop"},
    "components": [
        {
            "component": "cart",
            "version": "4.2.0",
            "image": "reg/cart",
            "digest": None,
            "chart": None,
            "chart_version": None,
        },
        {
            "component": "payment",
            "version": "1.5.1",
            "image": "reg/pay,ment",
            "digest": "sha256:abc",
            "chart": "payment",
            "chart_version": "0.5.0",
        },
    ],
}
WORKER_ENV = {
    "PATH": "/usr/bin",
    "HOME": "/root",
    "MERCATOR_NEO4J_PASSWORD": "pw",
    "KUBECONFIG": "/k",
}


def test_helm_builds_one_upgrade_per_component_version_with_a_chart():
    config = engine_settings.check(
        "helm",
        {
            "release_prefix": "shop-",
            "chart_prefix": "oci://charts/",
            "timeout": 90,
            "extra_args": ["--atomic"],
        },
    )
    plan = engines.plan("helm", config, DEPLOYMENT, "/tmp/d.json", WORKER_ENV)
    assert plan.commands == [
        [
            "helm",
            "upgrade",
            "--install",
            "--version",
            "0.5.0",
            "--kube-context",
            "prod-eu-1",
            "--namespace",
            "shop",
            "--set",
            "image.repository=reg/pay\\,ment",
            "--set",
            "image.tag=1.5.1",
            "--set",
            "image.digest=sha256:abc",
            "--wait",
            "--timeout",
            "90s",
            "--atomic",
            "--",
            "shop-payment",
            "oci://charts/payment",
        ]
    ]
    assert plan.timeout == 90
    assert plan.skipped == [{"component": "cart", "version": "4.2.0", "reason": engines.NO_CHART}]
    assert plan.shown()["skipped"] == plan.skipped


def test_helm_takes_context_and_namespace_from_its_configuration_first():
    config = engine_settings.check(
        "helm", {"kube_context": "other", "namespace": "ns", "helm": "/bin/h"}
    )
    (argv,) = engines.plan("helm", config, DEPLOYMENT, "/tmp/d.json", {}).commands
    assert argv[0] == "/bin/h"
    assert argv[argv.index("--kube-context") + 1] == "other"
    assert argv[argv.index("--namespace") + 1] == "ns"
    assert argv[argv.index("--timeout") + 1] == f"{engine_settings.DEFAULT_TIMEOUT}s"


def test_command_placeholders_fill_single_arguments_and_env_is_minimal():
    config = engine_settings.check(
        "command",
        {
            "command": ["deploy", "--app={application}", "{version}", "{deployment_file}"],
            "env": {"REGION": "eu"},
            "secret_env": {"TOKEN": "t0k3n"},
            "inherit_env": ["KUBECONFIG"],
        },
    )
    plan = engines.plan("command", config, DEPLOYMENT, "/tmp/d.json", WORKER_ENV)
    assert plan.commands == [["deploy", "--app=shop", "1.0.8", "/tmp/d.json"]]
    assert plan.env == {
        "PATH": "/usr/bin",
        "HOME": "/root",
        "KUBECONFIG": "/k",
        "MERCATOR_DEPLOYMENT_ID": "run-42",
        "MERCATOR_APPLICATION": "shop",
        "MERCATOR_VERSION": "1.0.8",
        "MERCATOR_ENVIRONMENT": "prod",
        "MERCATOR_STAGE": "prod",
        "MERCATOR_CLUSTER": "prod-eu-1",
        "MERCATOR_NAMESPACE": "shop",
        "MERCATOR_DEPLOYMENT_FILE": "/tmp/d.json",
        "MERCATOR_COMPONENTS": "cart=4.2.0 payment=1.5.1",
        "MERCATOR_BY": "alice",
        "REGION": "eu",
        "TOKEN": "t0k3n",
    }
    shown = plan.shown()
    assert shown["env"]["TOKEN"] == "***" and "t0k3n" not in str(shown)


def test_secrets_are_redacted_and_scrubbed():
    config = {"command": ["x"], "secret_env": {"A": "short", "B": "shortest-secret"}}
    assert engine_settings.redacted(config)["secret_env"] == {"A": "***", "B": "***"}
    assert config["secret_env"]["A"] == "short"  # the stored configuration is untouched
    text = "token=shortest-secret and short"
    assert engines.scrub(text, engines.secrets(config)) == "token=*** and ***"


@pytest.mark.parametrize(
    ("kind", "config", "field"),
    [
        ("ansible", {}, "kind"),
        ("command", {}, "command"),
        ("command", {"command": "deploy.sh {version}"}, "command"),
        ("command", {"command": ["x"], "timeout": 0}, "timeout"),
        ("command", {"command": ["x"], "timeout": "10"}, "timeout"),
        ("command", {"command": ["x"], "env": {"BAD NAME": "v"}}, "env"),
        ("command", {"command": ["x"], "secret_env": {"T": 5}}, "secret_env"),
        ("helm", {"command": ["x"]}, "command"),
        ("helm", {"extra_args": "--atomic"}, "extra_args"),
        ("none", {"kube_context": "x"}, "kube_context"),
    ],
)
def test_bad_configurations_are_refused_naming_the_field(kind, config, field):
    with pytest.raises(Invalid) as raised:
        engine_settings.check(kind, config)
    assert field in raised.value.details


def test_a_real_helm_accepts_every_flag_the_engine_uses(tmp_path):
    config = engine_settings.check("helm", {"extra_args": ["--atomic"]})
    (argv,) = engines.plan("helm", config, DEPLOYMENT, "/tmp/d.json", {}).commands
    usage = helm("upgrade", "--help", home=tmp_path).stdout
    flags = [arg for arg in argv if arg.startswith("--") and arg != "--"]
    assert len(flags) == 10
    for flag in flags:
        assert f"{flag} " in usage or f"{flag}=" in usage, flag
    assert "--not-a-flag " not in usage


def test_the_real_helm_reads_the_values_the_engine_sets_as_meant(tmp_path):
    """The same --set arguments given to `helm template`: the comma in the image survives
    the escaping, and tag and digest land where the chart reads them."""
    config = engine_settings.check("helm", {"chart_prefix": f"{TEST_CHARTS}/"})
    cart, payment = DEPLOYMENT["components"]
    deployment = {**DEPLOYMENT, "components": [cart, {**payment, "chart": "pay"}]}
    (argv,) = engines.plan("helm", config, deployment, "/tmp/d.json", {}).commands
    end_of_options = argv.index("--")  # the release and chart follow it
    release, chart = argv[end_of_options + 1], argv[end_of_options + 2]
    sets = [a for i, a in enumerate(argv) if argv[i - 1] == "--set"]
    rendered = helm("template", release, chart, *(f"--set={s}" for s in sets), home=tmp_path).stdout
    data = yaml.safe_load(rendered)["data"]
    assert data == {"image": "reg/pay,ment:1.5.1", "digest": "sha256:abc"}


def test_output_faster_than_it_is_reported_is_dropped_and_counted(monkeypatch):
    from pathlib import Path

    from app.deploy import runner

    monkeypatch.setattr(runner, "BUFFER_LIMIT", 100_000)
    script = Path(__file__).parent / "engine_scripts" / "deploy-loud.sh"
    plan = engines.plan(
        "command",
        engine_settings.check("command", {"command": [str(script)]}),
        DEPLOYMENT,
        "/f",
        {"PATH": "/usr/bin:/bin"},
    )
    kept, dropped = [], []

    def report(text: str, skipped: int = 0) -> bool:
        kept.append(text)
        dropped.append(skipped)
        return False

    assert runner.run(plan, report, interval=2.0) == runner.Outcome("succeeded", 0)
    text = "".join(kept)
    assert sum(dropped) > 0
    assert sum(dropped) + len(text) == len(f"$ {script}\n") + 60_000 * 100 + len("loud end\n")
    assert text.endswith("00059999 " + "x" * 90 + "\nloud end\n")


def test_helm_with_no_chart_to_install_is_refused():
    chartless = {**DEPLOYMENT, "components": DEPLOYMENT["components"][:1]}
    with pytest.raises(Invalid) as raised:
        engines.plan("helm", engine_settings.check("helm", {}), chartless, "/f", {})
    assert raised.value.details == {"components": ["cart"]}


def test_a_dry_run_shows_the_callers_own_values_verbatim_never_scrubbed():
    """Scrubbing what the caller sent would confirm a guessed secret: guess:*** for the
    right guess, the guess itself for a wrong one."""
    config = engine_settings.check(
        "command",
        {
            "command": ["deploy", "--token=t0k3n-secret", "--by={application}"],
            "secret_env": {"TOKEN": "t0k3n-secret"},
            "env": {"URL": "https://x/?t=t0k3n-secret"},
        },
    )
    for guess in ("guess:t0k3n-secret", "guess:wrong"):
        deployment = {**DEPLOYMENT, "by": guess, "application": guess}
        shown = engines.plan("command", config, deployment, "/tmp/d.json", WORKER_ENV).shown()
        assert shown["env"]["MERCATOR_BY"] == guess
        assert shown["env"]["MERCATOR_APPLICATION"] == guess
        assert shown["commands"] == [["deploy", "--token=***", f"--by={guess}"]]
        assert shown["env"]["TOKEN"] == "***"
        assert shown["env"]["URL"] == "https://x/?t=***"


def test_a_dry_run_shows_inherited_variables_by_name_only():
    config = engine_settings.check(
        "command", {"command": ["x"], "inherit_env": ["KUBECONFIG", "FAKE_CLOUD_KEY"]}
    )
    worker_env = {**WORKER_ENV, "FAKE_CLOUD_KEY": "AKIA-not-for-callers"}
    plan = engines.plan("command", config, DEPLOYMENT, "/tmp/d.json", worker_env)
    assert plan.env["FAKE_CLOUD_KEY"] == "AKIA-not-for-callers"  # the engine gets it
    shown = plan.shown()
    for name in ("PATH", "HOME", "KUBECONFIG", "FAKE_CLOUD_KEY"):
        assert shown["env"][name] == engines.INHERITED, name
    for value in ("/usr/bin", "/root", "/k", "AKIA-not-for-callers"):
        assert value not in json.dumps(shown), value


@pytest.mark.parametrize(
    "chart", ["payment", "shop/payment", "oci://reg.example/charts/pay", "./charts/pay", "/c/p"]
)
def test_chart_references_helm_reads_as_charts_are_accepted(chart):
    assert engine_settings.chart_problem(chart) is None


@pytest.mark.parametrize(
    "chart",
    [
        "--post-renderer=./evil.sh",
        "-f",
        "shop/pay --post-renderer=x",
        "pay\tment",
        "pay\nment",
        "",
        "a/b/-c d",
        "oci://",
        "https://x/evil.tgz",
    ],
)
def test_chart_references_that_are_no_chart_are_refused(chart):
    assert engine_settings.chart_problem(chart)


def test_chart_versions_are_versions():
    assert engine_settings.chart_version_problem("0.5.0") is None
    for version in ("--devel", "-1", "1.0 --x", ""):
        assert engine_settings.chart_version_problem(version), version


def _with_chart(**member) -> dict:
    payment = {**DEPLOYMENT["components"][1], **member}
    return {**DEPLOYMENT, "components": [payment]}


def test_helm_positional_arguments_follow_a_double_dash():
    (argv,) = engines.plan("helm", {}, DEPLOYMENT, "/tmp/d.json", {}).commands
    assert argv[-3:] == ["--", "payment", "payment"]
    assert argv.count("--") == 1


@pytest.mark.parametrize(
    ("member", "config", "field"),
    [
        ({"chart": "--post-renderer=./evil.sh"}, {}, "chart"),
        ({"chart_version": "--devel"}, {}, "chart_version"),
        ({}, {"kube_context": "--kubeconfig=/tmp/x"}, "kube_context"),
        ({}, {"namespace": "a b"}, "namespace"),
        ({}, {"chart_prefix": "-x"}, "chart"),
    ],
)
def test_helm_refuses_values_that_would_read_as_options(member, config, field):
    """Charts stored before they were checked, and configuration values, are checked
    again where they reach helm's argv."""
    with pytest.raises(Invalid) as raised:
        engines.plan("helm", config, _with_chart(**member), "/tmp/d.json", {})
    assert any(field in key for key in raised.value.details), raised.value.details
