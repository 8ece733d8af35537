"""Scenario 9: a real MTA from Debian as the smarthost, as a company or government network has one.

Exim (`exim4-daemon-light`) runs as this test's own process on 127.0.0.1, requiring STARTTLS and
AUTH, with a certificate from a private CA the test makes, and relays what it accepts to the
aiosmtpd peer. concertd reaches it with `smtp_url = smtp://concertd@127.0.0.1:PORT`, the password
from the systemd credential `smtp-password` (the README's drop-in, `$CREDENTIALS_DIRECTORY`) or a
password file, and `smtp_ca_bundle` naming the test CA.

Daegu's concert starts on 29 October 2019 at 14:00; with the clock at 10× from 12:59:30, its `1h`
reminder falls due 3 real seconds after the daemon starts.

Exim must be started as root (see harness/exim.py): as another user, or without exim4, these
scenarios are skipped and say how to run them (`sudo make test`).
"""
import email
import email.policy
import os
import re
import subprocess

import pytest

from harness.exim import EximRelay, CertificateAuthority, skip_reason
from harness.waiting import poll_until

USER = "concertd"
PASSWORD = "Zq7-e2e-Secret-4Kp9"  # letters, digits and dashes: nothing Exim's expansion would read
ADDRESS = "citizen@example.org"
UNVERIFIED = ("the smarthost's TLS certificate could not be verified (unable to get local issuer certificate): "
              "set smtp_ca_bundle to the CA that signed it")


@pytest.fixture
def mta(smtp, workdir):
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    ca = CertificateAuthority(workdir / "ca")
    relay = EximRelay(workdir, ca, relay_to=smtp.port, user=USER, password=PASSWORD).start()
    yield relay, ca
    report_path = workdir / "exim-mainlog.txt"
    report_path.write_text(relay.mainlog())  # kept with the workdir when the test fails
    relay.stop()


def email_config(relay, ca_bundle, **config):
    settings = {
        "smtp_url": f"smtp://{USER}@127.0.0.1:{relay.port}",
        "mail_from": "스마트시티 알림 <reminders@concertd.example.org>",
        "smtp_ca_bundle": str(ca_bundle),
        "log_level": "debug",  # the most the daemon writes: the password must be in none of it
        "retry_initial": "30s",
    }
    settings.update(config)
    return settings


def password_leaks(daemon, ctl_outputs):
    """Every place the password must not be: daemon logs, the database and its WAL, concertctl output."""
    found = []
    secret = PASSWORD.encode()
    for log in sorted(daemon.workdir.glob("concertd-*.log")):
        if secret in log.read_bytes():
            found.append(str(log))
    for path in sorted(daemon.state_dir.glob("concertd.sqlite3*")):
        if secret in path.read_bytes():
            found.append(str(path))
    for output in ctl_outputs:
        if PASSWORD in output.stdout or PASSWORD in output.stderr:
            found.append("concertctl " + " ".join(output.args))
    return found


def ctl_everything(daemon, subscription):
    outputs = []
    for json_output in (True, False):
        for args in (("status",), ("deliveries", "--subscription", subscription), ("subscriptions",),
                     ("upcoming",)):
            outputs.append(daemon.ctl(*args, json_output=json_output))
    return outputs


def test_a_reminder_goes_through_exim_over_starttls_with_auth_and_the_private_ca(make_daemon, smtp, mta, workdir):
    relay, ca = mta
    # The README's set-up: a user in smtp_url, no password key, the credential smtp-password.
    credentials = workdir / "credentials"
    credentials.mkdir(mode=0o700)
    (credentials / "smtp-password").write_text(PASSWORD + "\n")
    os.chmod(credentials / "smtp-password", 0o400)
    daemon = make_daemon(config=email_config(relay, ca.ca),
                         env={"CREDENTIALS_DIRECTORY": str(credentials)})

    # check-config as the service would run it accepts the set-up and prints no password.
    check = subprocess.run(
        [str(daemon.binaries / "concertd"), "check-config", str(daemon.config_path), "--catalog",
         str(daemon.catalog)], capture_output=True, text=True, env=daemon.env, timeout=30)
    assert check.returncode == 0, check.stderr
    assert PASSWORD not in check.stdout + check.stderr

    daemon.start("2019-10-29T12:59:30+09:00", 10)
    subscription = daemon.subscribe("daegu", email=ADDRESS, before="1h", quiet=True)["id"]

    mails = smtp.wait_for(lambda got: len(got) >= 1, rcpt=ADDRESS, timeout=30, what="the reminder relayed by Exim")
    daemon.wait_until_settled(1, timeout=20)
    reminder = [r for r in daemon.deliveries(subscription=subscription) if r["kind"] == "reminder"]
    assert [r["state"] for r in reminder] == ["sent"], reminder
    assert len(smtp.messages(rcpt=ADDRESS)) == 1, "the reminder must arrive once"

    # The message as Exim relayed it: its Received header says STARTTLS (esmtps) and AUTH (…a).
    message = email.message_from_bytes(mails[0].data, policy=email.policy.default)
    received = " ".join(message.get_all("Received")[0].split())
    assert re.search(r"by mta\.test with esmtpsa \(TLS1\.[23]\) tls \S+", received), received
    assert "Daegu" in str(message["Subject"]) or "대구" in str(message["Subject"]), message["Subject"]
    assert message["From"].addresses[0].addr_spec == "reminders@concertd.example.org"

    # Exim's own record: accepted (<=) with TLS (X=), authenticated as the user (A=), relayed (=>).
    accepted = [line for line in relay.mainlog().splitlines() if " <= " in line]
    assert len(accepted) == 1, relay.mainlog()
    assert " P=esmtpsa " in accepted[0], accepted[0]
    assert re.search(r" X=TLS1\.[23]:\S+", accepted[0]), accepted[0]
    assert re.search(rf" A=(plain|login):{USER}( |$)", accepted[0]), accepted[0]
    assert re.search(rf"=> {re.escape(ADDRESS)} R=onward T=to_peer", relay.mainlog()), relay.mainlog()

    assert password_leaks(daemon, ctl_everything(daemon, subscription)) == []
    assert daemon.stop() == 0
    assert password_leaks(daemon, []) == [], "after the checkpoint at stop"


def test_a_ca_bundle_without_the_mtas_ca_fails_naming_the_cause_until_it_is_set(make_daemon, smtp, mta, workdir):
    relay, ca = mta
    other = CertificateAuthority(workdir / "other-ca", name="some other CA")
    password_file = workdir / "smtp-password"
    password_file.write_text(PASSWORD + "\n")
    os.chmod(password_file, 0o600)
    daemon = make_daemon(config=email_config(relay, other.ca, smtp_password_file=str(password_file)))
    daemon.start("2019-10-29T12:59:30+09:00", 10)
    subscription = daemon.subscribe("daegu", email=ADDRESS, before="1h", quiet=True)["id"]

    # status names the smarthost failing, and why, in words that say what to set.
    failing = poll_until(
        lambda: [f for f in daemon.status()["failing_destinations"] if f["destination"] == "smtp"], 30,
        what="smtp listed as failing")
    assert failing[0]["last_error"] == UNVERIFIED, failing
    reminder = poll_until(
        lambda: [r for r in daemon.deliveries(subscription=subscription)
                 if r["kind"] == "reminder" and r.get("last_error")], 10, what="the reminder's last error")
    assert reminder[0]["last_error"] == UNVERIFIED, reminder
    assert reminder[0]["state"] in ("scheduled", "retrying"), reminder
    human = daemon.ctl("status", json_output=False)
    assert UNVERIFIED in human.stdout, human.stdout
    assert smtp.messages() == [], "nothing may be sent without a verified certificate"
    assert " <= " not in relay.mainlog(), "Exim must have accepted nothing"

    # The fix the text gives, then a reload: the waiting reminder goes, once, over TLS with AUTH.
    config = email_config(relay, ca.ca, smtp_password_file=str(password_file))
    daemon.write_config(config)
    assert daemon.ctl("reload").returncode == 0
    smtp.wait_for(lambda got: len(got) >= 1, rcpt=ADDRESS, timeout=60, what="the reminder after the reload")
    daemon.wait_until_settled(1, timeout=20)
    assert len(smtp.messages(rcpt=ADDRESS)) == 1
    accepted = [line for line in relay.mainlog().splitlines() if " <= " in line]
    assert len(accepted) == 1 and " P=esmtpsa " in accepted[0], relay.mainlog()

    assert password_leaks(daemon, [human, *ctl_everything(daemon, subscription)]) == []
