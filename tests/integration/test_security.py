"""SASL/SCRAM over TLS against a real broker: a broker of this module's own with a SCRAM user
and a self-signed certificate made here (openssl), an article through ingest and the stages
over SASL_SSL, and a clear, quick, password-free refusal on a wrong password."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from streams import flow
from streams.kafka.broker import Broker
from streams.kafka.clients import BrokerError, ensure_topics, wait_for_broker
from streams.messages import topics
from streams.settings import Settings, load
from tests.conftest import Workers, free_port, settings_env
from tests.integration.kafkautil import collect, have_ids

pytestmark = pytest.mark.integration

USER = "alice"
PASSWORD = "s3cret-Pa55word-for-alice"
WRONG = "wrong-Pa55word-not-alice"


def make_certs(folder: Path) -> dict[str, Path]:
    """A self-signed CA and a broker certificate for 127.0.0.1/localhost, as PEM files."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make the test certificates")
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca_crt = folder / "ca.key", folder / "ca.crt"
    key, csr, crt = folder / "broker.key", folder / "broker.csr", folder / "broker.crt"
    ext = folder / "san.ext"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out",
        str(ca_crt), "-days", "2", "-subj", "/CN=newsstream-test-ca")  # fmt: skip
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr),
        "-subj", "/CN=localhost")  # fmt: skip
    run("x509", "-req", "-in", str(csr), "-CA", str(ca_crt), "-CAkey", str(ca_key),
        "-CAcreateserial", "-out", str(crt), "-days", "2", "-extfile", str(ext))  # fmt: skip
    pkcs8 = folder / "broker.pk8"
    run("pkcs8", "-topk8", "-nocrypt", "-in", str(key), "-out", str(pkcs8))
    keystore = folder / "broker.pem"  # Kafka's PEM keystore: private key then the chain
    keystore.write_text(pkcs8.read_text() + crt.read_text() + ca_crt.read_text())
    return {"ca": ca_crt, "keystore": keystore}


@pytest.fixture(scope="module")
def secure(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A KRaft broker whose client listener is SASL_SSL (SCRAM-SHA-512 user alice); the
    controller and inter-broker listeners stay PLAINTEXT on loopback."""
    home = tmp_path_factory.mktemp("secure")
    certs = make_certs(home / "certs")
    plain, tls, control = free_port(), free_port(), free_port()
    broker = Broker(
        home=home / "kafka",
        port=plain,
        controller_port=control,
        listeners=(
            f"PLAINTEXT://127.0.0.1:{plain},SASL_SSL://127.0.0.1:{tls},"
            f"CONTROLLER://127.0.0.1:{control}"
        ),
        extra={
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{plain},SASL_SSL://127.0.0.1:{tls}",
            "listener.security.protocol.map": (
                "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL"
            ),
            "inter.broker.listener.name": "PLAINTEXT",
            "sasl.enabled.mechanisms": "SCRAM-SHA-512",
            "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config": (
                "org.apache.kafka.common.security.scram.ScramLoginModule required;"
            ),
            "ssl.keystore.type": "PEM",
            "ssl.keystore.location": str(certs["keystore"]),
            "ssl.truststore.type": "PEM",
            "ssl.truststore.location": str(certs["ca"]),
            "ssl.client.auth": "none",
        },
        scram_users=[("SCRAM-SHA-512", USER, PASSWORD)],
    )
    settings = load().replace(
        broker=f"kafka://127.0.0.1:{tls}",
        home=home,
        topic_prefix="sec.",
        batch_within_s=0.2,
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username=USER,
        sasl_password=PASSWORD,
        ssl_cafile=str(certs["ca"]),
    )
    broker.launch()
    try:
        asyncio.run(wait_for_broker(settings, timeout=120))
    except BrokerError:
        log = broker.log_dir / "server.log"
        tail = log.read_text()[-4000:] if log.exists() else "(no log)"
        broker.stop(kill=True)
        raise AssertionError(f"secure broker did not come up:\n{tail}") from None
    asyncio.run(ensure_topics(settings))
    yield settings
    broker.stop()


def secure_env(settings: Settings, password: str | None = None) -> dict[str, str]:
    """The settings' environment (credentials included), logging at info on purpose: the
    password must not appear in it."""
    changes: dict[str, object] = {"log_level": "info"}
    if password is not None:
        changes["sasl_password"] = password
    return settings_env(settings.replace(**changes))


class SecureWorkers(Workers):
    def env(self, name: str) -> dict[str, str]:
        return secure_env(self.settings)


def test_article_flows_over_sasl_ssl(secure: Settings, tmp_path: Path) -> None:
    workers = SecureWorkers(secure, tmp_path)
    for stage in flow.NAMES:
        workers.start(stage)
    try:
        article = {
            "id": "secure-1",
            "text": "Mayor Ana Ruiz of Denver, Colorado said on Monday that the city would hire "
            "40 nurses this year. The council approved the plan by a vote of seven to two, "
            "and the first nurses will start in the spring, officials said.",
        }
        path = tmp_path / "in.jsonl"
        path.write_bytes(orjson.dumps(article) + b"\n")
        done = subprocess.run(
            [sys.executable, "-m", "streams", "ingest", str(path)],
            env=secure_env(secure),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert PASSWORD not in done.stdout + done.stderr
        sink = asyncio.run(collect(secure, topics.SINK, have_ids({"secure-1"}), timeout=240))
        assert "secure-1" in {r["article_id"] for r in sink}
    finally:
        workers.stop_all()
    for log in tmp_path.glob("*.log"):
        assert PASSWORD not in log.read_text(errors="replace"), f"password in {log.name}"


@pytest.mark.parametrize(
    "command", [["worker", "--stage", "clean"], ["ingest", "-"]], ids=["worker", "ingest"]
)
def test_wrong_password_fails_fast_and_clearly(secure: Settings, command: list[str]) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "streams", *command],
        env=secure_env(secure, password=WRONG),
        input="",
        capture_output=True,
        text=True,
        timeout=120,
    )
    took = time.monotonic() - started
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert took < 30, f"took {took:.1f}s to refuse a wrong password"
    assert "authentication" in output.lower(), output
    assert WRONG not in output and PASSWORD not in output
    assert "Traceback" not in output, output


def test_no_secret_in_settings_repr(secure: Settings) -> None:
    assert PASSWORD not in repr(secure) and PASSWORD not in str(secure)
    wrong = secure.replace(sasl_password=WRONG)
    with pytest.raises(BrokerError, match="authentication") as refused:
        asyncio.run(wait_for_broker(wrong, timeout=20))
    assert WRONG not in str(refused.value) and WRONG not in repr(wrong)
