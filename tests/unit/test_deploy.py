"""The deploy files against the code. No container engine runs here, so every file under
deploy/ is parsed and checked: the metric names the dashboard queries, the topics Strimzi
creates, the consumer groups and topics KEDA watches, the settings the containers get, the
metrics ports Prometheus scrapes and the Kafka version."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from streams import flow
from streams.kafka import metrics
from streams.messages import topics
from streams.settings import PREFIX, Settings
from streams.stages.base import Stage

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "newsstream.json"
POM = ROOT / "streams" / "kafka" / "maven" / "pom.xml"
HISTOGRAM_SERIES = ("_bucket", "_sum", "_count", "_created")

STAGES = [pytest.param(stage, id=stage.name) for stage in flow.STAGES]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings are built from the deploy files alone, never from this shell's NEWSSTREAM_*."""
    for key in list(os.environ):
        if key.startswith(PREFIX):
            monkeypatch.delenv(key)


# ------------------------------------------------------------------------------- loading


def load_yaml(path: Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def k8s_docs() -> list[dict[str, Any]]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        with open(path, encoding="utf-8") as fh:
            docs += [doc | {"__file__": path.name} for doc in yaml.safe_load_all(fh) if doc]
    return docs


def k8s(kind: str) -> list[dict[str, Any]]:
    return [doc for doc in k8s_docs() if doc["kind"] == kind]


def k8s_one(kind: str, name: str) -> dict[str, Any]:
    found = [doc for doc in k8s(kind) if doc["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name} in deploy/k8s/, found {len(found)}"
    return found[0]


def compose() -> dict[str, Any]:
    return load_yaml(DEPLOY / "compose.yaml")


def service(name: str) -> dict[str, Any]:
    services = compose()["services"]
    assert name in services, f"deploy/compose.yaml has no service {name!r}"
    return services[name]


def settings_from(env: dict[str, str]) -> Settings:
    """The Settings a process with ``env`` (its NEWSSTREAM_* variables) would load."""
    fields = {k.removeprefix(PREFIX).lower(): v for k, v in env.items() if k.startswith(PREFIX)}
    return Settings(**fields)


def configmap_env() -> dict[str, str]:
    return k8s_one("ConfigMap", "newsstream")["data"]


def k8s_settings() -> Settings:
    return settings_from(configmap_env())


def compose_settings(name: str) -> Settings:
    return settings_from(service(name).get("environment", {}))


def pom_kafka_version() -> str:
    found = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", POM.read_text())
    assert found, "streams/kafka/maven/pom.xml names no kafka.version"
    return found.group(1).strip()


def tables() -> list[tuple[str, str, bool]]:
    return [
        (stage.name, stage.table, stage.window is not None) for stage in flow.STAGES if stage.table
    ]


# ------------------------------------------------------------------------- the dashboard


def dashboard() -> dict[str, Any]:
    with open(DASHBOARD, encoding="utf-8") as fh:
        return json.load(fh)


def panels(board: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in board["panels"]:
        yield panel
        yield from panel.get("panels", [])  # collapsed rows keep theirs inside


def expressions() -> list[str]:
    """Every PromQL expression of the dashboard: panel targets and template variables."""
    board = dashboard()
    exprs = [t["expr"] for p in panels(board) for t in p.get("targets", []) if t.get("expr")]
    for variable in board.get("templating", {}).get("list", []):
        query = variable.get("query")
        if isinstance(query, dict):
            query = query.get("query")
        if variable.get("type") == "query" and query:
            exprs.append(query)
    return exprs


def series_names(expr: str) -> set[str]:
    """The ``newsstream_*`` series an expression reads (string literals removed first, so a
    label value never counts as a name)."""
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    return set(re.findall(r"\bnewsstream_[a-zA-Z0-9_:]*", bare))


def base_name(series: str) -> str:
    for suffix in HISTOGRAM_SERIES:
        if series.endswith(suffix):
            return series.removesuffix(suffix)
    return series


def exported() -> set[str]:
    return {base_name(name) for name in metrics.metric_names()}


def families() -> dict[str, str]:
    """Metric family name -> type (counter, gauge, histogram) as the workers register them."""
    return {family.name: family.type for family in metrics.REGISTRY.collect()}


def test_dashboard_queries_only_exported_metrics() -> None:
    exprs = expressions()
    assert exprs, "the dashboard has no queries"
    unknown = {
        name: expr
        for expr in exprs
        for name in series_names(expr)
        if base_name(name) not in exported()
    }
    assert not unknown, f"metrics the workers do not export: {unknown}"


def test_dashboard_shows_every_exported_metric() -> None:
    """A metric nobody graphs is a metric nobody watches."""
    used = {base_name(name) for expr in expressions() for name in series_names(expr)}
    assert exported() - used == set()


def test_dashboard_functions_fit_the_metric_types() -> None:
    """histogram_quantile over a histogram's _bucket, rate/increase over counters or
    histogram series, never over a gauge; a gauge or counter never with a histogram suffix."""
    kinds = families()
    for expr in expressions():
        for name in series_names(expr):
            base = name.removesuffix("_total") if name.endswith("_total") else base_name(name)
            kind = kinds.get(base)
            assert kind, f"{name} in {expr!r} is no registered metric family"
            if name.endswith("_total"):
                assert kind == "counter", f"{name} is a {kind}, not a counter"
            elif name != base:
                assert kind == "histogram", f"{name} is a {kind}, not a histogram"
            else:
                assert kind in {"gauge", "info"}, f"{name}: a {kind} is read via its series"
        for inner in re.findall(r"histogram_quantile\([^,]+,(.*)", expr):
            assert "_bucket" in inner, f"histogram_quantile without _bucket: {expr!r}"
        for window in re.findall(r"(?:rate|increase)\(([a-z_:]+)", expr):
            assert kinds.get(base_name(window.removesuffix("_total"))) != "gauge", expr


def test_dashboard_covers_the_requested_views() -> None:
    exprs = " ".join(expressions())
    for phi in ("0.5", "0.95", "0.99"):
        assert f"histogram_quantile({phi}, sum by (le) (rate(newsstream_end_to_end" in exprs
    assert "rate(newsstream_articles_in_total" in exprs and "[1m]" in exprs
    assert "by (stage, error_class)" in exprs


def test_dashboard_uses_the_provisioned_datasource() -> None:
    provisioned = load_yaml(DEPLOY / "grafana/provisioning/datasources/prometheus.yaml")
    (source,) = provisioned["datasources"]
    assert source["type"] == "prometheus"
    board = dashboard()
    for panel in panels(board):
        for holder in [panel, *panel.get("targets", [])]:
            if "datasource" in holder:
                assert holder["datasource"] == {"type": "prometheus", "uid": source["uid"]}
    # Grafana reaches the compose Prometheus by service name and port.
    host, port = re.fullmatch(r"http://([^:/]+):(\d+)/?", source["url"]).groups()
    assert f"{port}:{port}" in service(host)["ports"]


def test_dashboard_provider_reads_the_mounted_folder() -> None:
    provider = load_yaml(DEPLOY / "grafana/provisioning/dashboards/newsstream.yaml")
    (entry,) = provider["providers"]
    mounts = dict(volume.split(":")[:2] for volume in service("grafana")["volumes"])
    assert mounts.get("./grafana/dashboards") == entry["options"]["path"]
    assert mounts.get("./grafana/provisioning") == "/etc/grafana/provisioning"
    assert (DEPLOY / "grafana/dashboards" / DASHBOARD.name).exists()


# -------------------------------------------------------------------------------- topics


def test_kafka_topics_are_the_topics_the_code_creates() -> None:
    settings = k8s_settings()
    specs = {spec.name: spec for spec in topics.specs(settings, tables())}
    cluster = kafka_cluster()["metadata"]["name"]
    declared = {
        doc["spec"].get("topicName", doc["metadata"]["name"]): doc for doc in k8s("KafkaTopic")
    }
    assert set(declared) == set(specs)
    assert topics.changelog(settings, "clean", "source-memory") in declared
    for name, doc in declared.items():
        spec = doc["spec"]
        assert spec["partitions"] == settings.partitions, name
        assert spec["replicas"] == settings.replication, name
        assert {k: str(v) for k, v in spec["config"].items()} == specs[name].config, name
        assert doc["metadata"]["labels"]["strimzi.io/cluster"] == cluster, name


# -------------------------------------------------------------------------------- stages


@pytest.mark.parametrize("stage", STAGES)
def test_compose_runs_every_stage(stage: Stage) -> None:
    svc = service(stage.name)
    settings = compose_settings(stage.name)
    assert svc["command"] == ["worker", "--stage", stage.name]
    assert 1 <= svc["deploy"]["replicas"] <= settings.partitions
    assert settings.replication == 3 and not settings.embedded
    assert set(settings.bootstrap.split(",")) == compose_brokers()


@pytest.mark.parametrize("stage", STAGES)
def test_k8s_runs_every_stage(stage: Stage) -> None:
    deployment = k8s_one("Deployment", f"newsstream-{stage.name}")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["worker", "--stage", stage.name]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= (
        deployment["spec"]["template"]["metadata"]["labels"].items()
    )
    refs = [ref["configMapRef"]["name"] for ref in container.get("envFrom", [])]
    assert refs == ["newsstream"]


@pytest.mark.parametrize("stage", STAGES)
def test_keda_scales_every_stage_on_its_consumer_lag(stage: Stage) -> None:
    settings = k8s_settings()
    scaled = k8s_one("ScaledObject", f"newsstream-{stage.name}")
    spec = scaled["spec"]
    assert spec["scaleTargetRef"]["name"] == f"newsstream-{stage.name}"
    (trigger,) = spec["triggers"]
    assert trigger["type"] == "kafka"
    meta = trigger["metadata"]
    assert meta["consumerGroup"] == topics.app_id(settings, stage.name)
    assert meta["topic"] == topics.name(settings, stage.input)
    assert meta["bootstrapServers"] == settings.bootstrap
    assert int(meta["lagThreshold"]) > 0
    assert meta.get("offsetResetPolicy") == "earliest"  # as the Faust apps
    # Kafka 4 serves no protocol older than 2.1; KEDA's client defaults to 1.0.0.
    assert (
        version_tuple("2.1.0")
        <= version_tuple(meta["version"])
        <= version_tuple(pom_kafka_version())
    )
    # No replica beyond the input topic's partitions: it would idle.
    assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"] <= settings.partitions
    assert k8s_one("TriggerAuthentication", trigger["authenticationRef"]["name"])


def test_keda_authenticates_like_the_workers() -> None:
    auth = k8s_one("TriggerAuthentication", "newsstream-kafka")["spec"]
    (username,) = [e for e in auth["env"] if e["parameter"] == "username"]
    assert username["name"] == "NEWSSTREAM_SASL_USERNAME"
    for deployment in k8s("Deployment"):
        names = [c["name"] for c in deployment["spec"]["template"]["spec"]["containers"]]
        assert username["containerName"] in names
    refs = {ref["parameter"]: ref for ref in auth["secretTargetRef"]}
    assert refs["password"]["name"] == configmap_env()["NEWSSTREAM_SASL_USERNAME"]
    assert refs["ca"]["name"] == f"{kafka_cluster()['metadata']['name']}-cluster-ca-cert"
    for scaled in k8s("ScaledObject"):
        meta = scaled["spec"]["triggers"][0]["metadata"]
        assert (meta["sasl"], meta["tls"]) == ("scram_sha512", "enable")


# ------------------------------------------------------------------------------ settings


def env_names() -> dict[str, set[str]]:
    """Every NEWSSTREAM_* variable a deploy file sets, with the files that set it."""
    found: dict[str, set[str]] = {}
    for name, svc in compose()["services"].items():
        for key in svc.get("environment", {}):
            found.setdefault(key, set()).add(f"compose.yaml:{name}")
    for doc in k8s_docs():
        where = f"k8s/{doc['__file__']}"
        if doc["kind"] == "ConfigMap":
            keys = list(doc["data"])
        elif doc["kind"] == "Deployment":
            keys = [e["name"] for c in doc["spec"]["template"]["spec"]["containers"]
                    for e in c.get("env", [])]  # fmt: skip
        elif doc["kind"] == "TriggerAuthentication":
            keys = [e["name"] for e in doc["spec"].get("env", [])]
        else:
            continue
        for key in keys:
            found.setdefault(key, set()).add(where)
    return {k: v for k, v in found.items() if k.startswith(PREFIX)}


def test_every_env_var_is_a_setting() -> None:
    names = env_names()
    assert names, "no NEWSSTREAM_* variables found in deploy/"
    fields = {PREFIX + field.upper() for field in Settings.model_fields}
    unknown = {k: sorted(v) for k, v in names.items() if k not in fields}
    assert not unknown, f"not fields of streams.settings.Settings: {unknown}"


def test_every_env_value_is_valid() -> None:
    """The values load as Settings (a bad one would stop the worker at start)."""
    k8s_settings()
    for name, svc in compose()["services"].items():
        if any(key.startswith(PREFIX) for key in svc.get("environment", {})):
            compose_settings(name)


def test_k8s_workers_reach_the_strimzi_cluster() -> None:
    cluster = kafka_cluster()
    name = cluster["metadata"]["name"]
    settings = k8s_settings()
    listener = [
        lst
        for lst in cluster["spec"]["kafka"]["listeners"]
        if f"{name}-kafka-bootstrap:{lst['port']}" == settings.bootstrap
    ]
    assert listener, f"NEWSSTREAM_BROKER is not a listener of Kafka {name}"
    (listener,) = listener
    assert listener["tls"] is True and settings.security_protocol == "SASL_SSL"
    assert listener["authentication"]["type"] == settings.sasl_mechanism.lower()
    user = k8s_one("KafkaUser", settings.sasl_username)
    assert user["spec"]["authentication"]["type"] == settings.sasl_mechanism.lower()
    assert user["metadata"]["labels"]["strimzi.io/cluster"] == name
    for deployment in k8s("Deployment"):
        pod = deployment["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        (password,) = [e for e in container["env"] if e["name"] == "NEWSSTREAM_SASL_PASSWORD"]
        secret_ref = password["valueFrom"]["secretKeyRef"]
        assert secret_ref == {"name": user["metadata"]["name"], "key": "password"}
        # The CA file is in a mounted copy of the cluster CA Secret.
        volumes = {v["name"]: v for v in pod["volumes"]}
        mounted = [
            m for m in container["volumeMounts"]
            if settings.ssl_cafile.startswith(m["mountPath"].rstrip("/") + "/")
        ]  # fmt: skip
        assert mounted, f"{settings.ssl_cafile} is not under a volume mount"
        secret = volumes[mounted[0]["name"]]["secret"]
        assert secret["secretName"] == f"{name}-cluster-ca-cert"
        key = settings.ssl_cafile.removeprefix(mounted[0]["mountPath"].rstrip("/") + "/")
        assert {"key": "ca.crt", "path": key} in secret.get("items", [{"key": key, "path": key}])


# --------------------------------------------------------------------------------- ports


@pytest.mark.parametrize("stage", STAGES)
def test_compose_metrics_ports(stage: Stage) -> None:
    port = metrics.port(compose_settings(stage.name), stage.name)
    assert port, "metrics are off in compose"
    assert str(port) in [str(p) for p in service(stage.name).get("expose", [])]
    jobs = [
        sd
        for job in load_yaml(DEPLOY / "prometheus/prometheus.yml")["scrape_configs"]
        for sd in job.get("dns_sd_configs", [])
        if stage.name in sd["names"]
    ]
    assert [sd["port"] for sd in jobs] == [port], f"Prometheus scrapes {stage.name} elsewhere"


def test_prometheus_scrapes_only_stage_services() -> None:
    services = compose()["services"]
    for job in load_yaml(DEPLOY / "prometheus/prometheus.yml")["scrape_configs"]:
        for sd in job.get("dns_sd_configs", []):
            assert all(name in services for name in sd["names"]), job["job_name"]


@pytest.mark.parametrize("stage", STAGES)
def test_k8s_metrics_ports(stage: Stage) -> None:
    port = metrics.port(k8s_settings(), stage.name)
    assert port, "metrics are off in k8s"
    template = k8s_one("Deployment", f"newsstream-{stage.name}")["spec"]["template"]
    (container,) = template["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    annotations = template["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(port)
    assert annotations["prometheus.io/scrape"] == "true"
    (monitor,) = k8s("PodMonitor")
    for endpoint in monitor["spec"]["podMetricsEndpoints"]:
        assert ports.get(endpoint["port"]) == port
        assert endpoint.get("path", "/metrics") == annotations["prometheus.io/path"]
    selector = monitor["spec"]["selector"]["matchLabels"]
    assert selector.items() <= template["metadata"]["labels"].items()


def test_image_exposes_the_default_metrics_ports() -> None:
    text = (DEPLOY / "container" / "Containerfile").read_text()
    exposed = {int(p) for line in re.findall(r"^EXPOSE (.+)$", text, re.M) for p in line.split()}
    default = Settings()
    assert exposed == {metrics.port(default, stage.name) for stage in flow.STAGES}


# ----------------------------------------------------------------------------- the image


def test_image_builds_from_paths_that_exist() -> None:
    text = (DEPLOY / "container" / "Containerfile").read_text()
    for line in re.findall(r"^COPY (?!--from)(.+)$", text, re.M):
        *sources, _ = line.split()
        for source in sources:
            assert (ROOT / source).exists(), f"COPY {source}: no such path in the repository"
    assert "pip install -e" not in text, "install the wheel: the package carries its data"
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^newsstream = "streams\.cli:main"$', pyproject, re.M)
    assert 'ENTRYPOINT ["newsstream"]' in text
    for name in ("clean", "extract", "geotag"):
        assert service(name)["build"]["dockerfile"] == "deploy/container/Containerfile"
        assert (DEPLOY / service(name)["build"]["context"]).resolve() == ROOT


# --------------------------------------------------------------------------------- Kafka


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in str(text).split("."))


def kafka_cluster() -> dict[str, Any]:
    (cluster,) = k8s("Kafka")
    return cluster


def compose_kafka() -> dict[str, dict[str, Any]]:
    return {
        name: svc
        for name, svc in compose()["services"].items()
        if str(svc.get("image", "")).startswith("apache/kafka:")
    }


def compose_brokers() -> set[str]:
    out = set()
    for svc in compose_kafka().values():
        advertised = svc["environment"]["KAFKA_ADVERTISED_LISTENERS"]
        out |= {a.split("://")[1] for a in advertised.split(",") if a.startswith("PLAINTEXT://")}
    return out


def test_kafka_versions_match_the_pom() -> None:
    version = pom_kafka_version()
    for name, svc in compose_kafka().items():
        assert svc["image"] == f"apache/kafka:{version}", name
    spec = kafka_cluster()["spec"]["kafka"]
    assert str(spec["version"]) == version
    major_minor = ".".join(version.split(".")[:2])
    assert str(spec["metadataVersion"]).startswith(major_minor + "-")


def test_compose_kafka_is_a_three_node_kraft_quorum() -> None:
    brokers = compose_kafka()
    assert len(brokers) == 3
    envs = {name: svc["environment"] for name, svc in brokers.items()}
    voters = {
        f"{env['KAFKA_NODE_ID']}@{name}:9093" for name, env in envs.items()
    }  # node id @ service name : controller port
    for name, env in envs.items():
        assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
        assert set(env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")) == voters
        assert "CONTROLLER://:9093" in env["KAFKA_LISTENERS"].split(",")
        assert f"PLAINTEXT://{name}:9092" in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
        assert int(env["KAFKA_DEFAULT_REPLICATION_FACTOR"]) == 3
        assert int(env["KAFKA_MIN_INSYNC_REPLICAS"]) == 2
        assert int(env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"]) == 3
    assert len({env["CLUSTER_ID"] for env in envs.values()}) == 1
    assert len({env["KAFKA_NODE_ID"] for env in envs.values()}) == 3
    # Topics the workers create: replication 3 gets min.insync.replicas 2.
    for stage in flow.STAGES:
        settings = compose_settings(stage.name)
        assert settings.replication <= len(brokers)
        for spec in topics.specs(settings, tables()):
            assert spec.config["min.insync.replicas"] == "2"


def test_compose_creates_topics_before_the_stages_start() -> None:
    topics_service = service("topics")
    assert "ensure_broker" in " ".join(topics_service["entrypoint"])
    for stage in flow.STAGES:
        condition = service(stage.name)["depends_on"]["topics"]["condition"]
        assert condition == "service_completed_successfully"
        assert compose_settings(stage.name) == compose_settings("topics")
    for broker in compose_kafka():
        assert topics_service["depends_on"][broker]["condition"] == "service_healthy"


def test_strimzi_cluster_is_a_three_node_kraft_quorum() -> None:
    (pool,) = k8s("KafkaNodePool")
    cluster = kafka_cluster()
    assert pool["metadata"]["labels"]["strimzi.io/cluster"] == cluster["metadata"]["name"]
    assert pool["spec"]["replicas"] == 3
    assert set(pool["spec"]["roles"]) == {"broker", "controller"}
    config = cluster["spec"]["kafka"]["config"]
    assert int(config["min.insync.replicas"]) == 2
    assert int(config["default.replication.factor"]) == 3
    assert k8s_settings().replication <= pool["spec"]["replicas"]


def test_kustomization_lists_every_manifest() -> None:
    listed = load_yaml(K8S / "kustomization.yaml")["resources"]
    on_disk = sorted(p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
    assert sorted(listed) == on_disk
