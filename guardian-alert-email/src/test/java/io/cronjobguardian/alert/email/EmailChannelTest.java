package io.cronjobguardian.alert.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.api.DeliveryResult.Outcome;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.Severity;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Email through real SMTP servers on loopback: GreenMail (SMTP, SMTPS), a STARTTLS front for it, scripted peers. */
class EmailChannelTest {

    static final String USER = "alerts";
    static final String PASSWORD = "p4ssw0rd-s3cr3t-value";

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(new ServerSetup[] {
        ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.SMTPS.dynamicPort()})
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts@example.com", USER, PASSWORD))
            .withPerMethodLifecycle(true);

    private static EmailChannel email(String... pairs) {
        return (EmailChannel) Channels.create("email", "mail",
                Alerts.context(ref -> ref.equals("secret:smtp-password") ? Optional.of(PASSWORD) : Optional.empty()),
                Channels.with(new String[] {"from", "CronJob Guardian <alerts@example.com>",
                    "to", "oncall@example.com, Team Lead <lead@example.org>", "timeout", "5s"}, pairs));
    }

    private static String[] plain() {
        return new String[] {"host", "127.0.0.1", "port", Integer.toString(MAIL.getSmtp().getPort()),
            "security", "none", "username", USER, "password", "secret:smtp-password"};
    }

    private static MimeMessage received() {
        assertThat(MAIL.waitForIncomingEmail(5000, 1)).isTrue();
        return MAIL.getReceivedMessages()[0];
    }

    private static String part(MimeMessage m, String type) throws Exception {
        MimeMultipart mp = (MimeMultipart) m.getContent();
        for (int i = 0; i < mp.getCount(); i++) {
            BodyPart p = mp.getBodyPart(i);
            if (p.isMimeType(type)) {
                return ((String) p.getContent()).replace("\r\n", "\n");
            }
        }
        throw new AssertionError("no " + type + " part");
    }

    @Test
    void plainSmtpWithAuthenticationDeliversAMultipartMessageWithDateAndMessageId() throws Exception {
        try (EmailChannel ch = email(plain())) {
            DeliveryResult r = ch.send(Alerts.alert().build());
            assertThat(r.outcome()).as(r.detail()).isEqualTo(Outcome.DELIVERED);
            assertThat(r.detail()).isEqualTo("accepted by smtp://127.0.0.1:" + MAIL.getSmtp().getPort()
                    + " for 2 recipients");
        }
        assertThat(MAIL.waitForIncomingEmail(5000, 2)).isTrue();
        MimeMessage m = MAIL.getReceivedMessages()[0];
        assertThat(m.getSubject()).isEqualTo("[CRITICAL] Job failed: nightly-backup");
        assertThat(m.getFrom()[0].toString()).isEqualTo("CronJob Guardian <alerts@example.com>");
        assertThat(Arrays.stream(m.getRecipients(Message.RecipientType.TO)).map(Object::toString))
                .containsExactly("oncall@example.com", "Team Lead <lead@example.org>");
        assertThat(m.getSentDate().toInstant()).isEqualTo(Alerts.T0.plusSeconds(5));
        assertThat(m.getHeader("Date")[0]).contains("1 Mar 2026");
        assertThat(m.getMessageID()).matches("<cjg-[0-9a-f]{32}\\.opened@example\\.com>");
        assertThat(m.getHeader("References")[0]).matches("<cjg\\.[0-9a-f]{20}@example\\.com>");
        assertThat(m.getHeader("Auto-Submitted")[0]).isEqualTo("auto-generated");
        assertThat(m.getHeader("X-CronJob-Guardian-Incident")[0]).isEqualTo("inc-42");
        assertThat(m.isMimeType("multipart/alternative")).isTrue();
        String text = part(m, "text/plain");
        assertThat(text).contains("[CRITICAL] Job failed: nightly-backup").contains("CronJob:      prod/nightly-backup")
                .contains("Exit code:    137").contains("Reason:       OOMKilled").contains("Success rate: 87.5%")
                .contains("Suggested fix:\nIncrease the memory limit").contains("- OOMKilling: Memory cgroup")
                .contains("Log tail:\nstarting\nallocating\nKilled");
        String html = part(m, "text/html");
        assertThat(html).contains("<th align=\"left\">Exit code</th><td>137</td>").contains("<pre")
                .contains("<h3>Suggested fix</h3>");
    }

    @Test
    void valuesAreHtmlEscapedAndTheSubjectStaysOnOneLine() throws Exception {
        AlertMessage nasty = Alerts.alert().nasty().build();
        try (EmailChannel ch = email(plain())) {
            assertThat(ch.send(nasty).outcome()).isEqualTo(Outcome.DELIVERED);
        }
        MimeMessage m = received();
        assertThat(m.getSubject()).startsWith("[CRITICAL] Title quote \" backslash \\").doesNotContain("\n")
                .doesNotContain("\r").doesNotContain("\t");
        String html = part(m, "text/html");
        assertThat(html).doesNotContain("<script>alert(1)</script>").doesNotContain("<!channel>")
                .contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;").contains("&quot;")
                .contains("&amp;amp;");
        assertThat(part(m, "text/plain")).contains("</script><script>alert(1)</script>");
    }

    @Test
    void subjectsForResolutionsAndReminders() throws Exception {
        try (EmailChannel ch = email(plain())) {
            assertThat(ch.send(Alerts.alert().kind(NotificationKind.RESOLVED).build()).isDelivered()).isTrue();
            assertThat(ch.send(Alerts.alert().kind(NotificationKind.REMINDER).severity(Severity.WARNING)
                    .notification(8).build()).isDelivered()).isTrue();
        }
        assertThat(MAIL.waitForIncomingEmail(5000, 4)).isTrue();
        assertThat(Arrays.stream(MAIL.getReceivedMessages()).map(EmailChannelTest::subject).distinct())
                .containsExactly("[RESOLVED] Job failed: nightly-backup", "[WARNING] Reminder: Job failed: "
                        + "nightly-backup");
        MimeMessage resolved = MAIL.getReceivedMessages()[0];
        assertThat(part(resolved, "text/plain")).contains("Open for:     1h").doesNotContain("Log tail");
        assertThat(resolved.getMessageID()).isEqualTo("<" + Alerts.alert().kind(NotificationKind.RESOLVED).build()
                .idempotencyKey() + ".resolved@" + resolved.getMessageID().replaceAll("^.*@", ""));

    }

    @Test
    void subjectAndBodyTemplates() throws Exception {
        try (EmailChannel ch = email(Channels.with(plain(), "subjectTemplate",
                "{{ upper .Kind }}: {{ .CronJob }} {{ truncate .Title 10 }}", "bodyTemplate",
                "Logs:\n{{ tail .Logs 6 }}\n{{ .Message }}", "cc", "audit@example.com"))) {
            DeliveryResult r = ch.send(Alerts.alert().message("a < b & c").build());
            assertThat(r.outcome()).as(r.detail()).isEqualTo(Outcome.DELIVERED);
        }
        assertThat(MAIL.waitForIncomingEmail(5000, 3)).isTrue();
        MimeMessage t = MAIL.getReceivedMessages()[0];
        assertThat(t.getSubject()).isEqualTo("OPENED: prod/nightly-backup Job failed...");
        assertThat(part(t, "text/plain")).isEqualTo("Logs:\n...Killed\na < b & c");
        assertThat(part(t, "text/html")).contains("<pre").contains("a &lt; b &amp; c");
        assertThat(t.getRecipients(Message.RecipientType.CC)[0].toString()).isEqualTo("audit@example.com");
    }

    @Test
    void theMessageIdIsTheIdempotencyKeySoRetriesOfOneNotificationShareIt() throws Exception {
        AlertMessage m = Alerts.alert().build();
        AlertMessage retried = Alerts.retry(m, java.time.Duration.ofSeconds(30));   // another attempt, later
        try (EmailChannel ch = email(plain())) {
            assertThat(ch.send(m).isDelivered()).isTrue();
            assertThat(ch.send(retried).isDelivered()).isTrue();
            assertThat(ch.messageId(m)).isNotEqualTo(ch.messageId(Alerts.alert().notification(8).build()));
            assertThat(ch.threadId(m)).isEqualTo(ch.threadId(Alerts.alert().kind(NotificationKind.RESOLVED).build()));
        }
        assertThat(MAIL.waitForIncomingEmail(5000, 2)).isTrue();
        MimeMessage[] got = MAIL.getReceivedMessages();
        assertThat(got[0].getMessageID()).startsWith("<" + m.idempotencyKey() + ".opened@")
                .isEqualTo(got[1].getMessageID());
    }

    @Test
    void implicitTlsWithGreenMailsSelfSignedCertificate() throws Exception {
        String[] smtps = {"host", "127.0.0.1", "port", Integer.toString(MAIL.getSmtps().getPort()), "security", "tls",
            "username", USER, "password", PASSWORD};
        try (EmailChannel trusting = email(Channels.with(smtps, "trustAllCertificates", "true"))) {
            DeliveryResult r = trusting.send(Alerts.alert().build());
            assertThat(r.outcome()).as(r.detail()).isEqualTo(Outcome.DELIVERED);
            assertThat(trusting.destination()).isEqualTo("smtp+tls://127.0.0.1:" + MAIL.getSmtps().getPort());
        }
        assertThat(received().getSubject()).isEqualTo("[CRITICAL] Job failed: nightly-backup");
        try (EmailChannel verifying = email(smtps)) {
            DeliveryResult r = verifying.send(Alerts.alert().build());
            assertThat(r.outcome()).as(r.detail()).isEqualTo(Outcome.FAILED);
            assertThat(r.detail()).startsWith("TLS with smtp+tls://127.0.0.1:");
        }
    }

    @Test
    void startTlsUpgradesBeforeAuthenticating() throws Exception {
        try (SmtpPeers.StartTls relay = new SmtpPeers.StartTls(MAIL.getSmtp().getPort());
                EmailChannel ch = email("host", "127.0.0.1", "port", Integer.toString(relay.port()),
                        "security", "starttls", "username", USER, "password", PASSWORD, "trustAllCertificates", "true")) {
            DeliveryResult r = ch.send(Alerts.alert().build());
            assertThat(r.outcome()).as(r.detail()).isEqualTo(Outcome.DELIVERED);
            assertThat(relay.negotiatedProtocol).startsWith("TLSv1.");
            assertThat(relay.authBeforeTls).isFalse();
            assertThat(relay.commands).anyMatch(c -> c.equalsIgnoreCase("STARTTLS"));
            assertThat(ch.destination()).isEqualTo("smtp+starttls://127.0.0.1:" + relay.port());
        }
        assertThat(received().getSubject()).isEqualTo("[CRITICAL] Job failed: nightly-backup");
    }

    @Test
    void startTlsIsRequiredNotOptional() {
        try (EmailChannel ch = email("host", "127.0.0.1", "port", Integer.toString(MAIL.getSmtp().getPort()),
                "security", "starttls", "username", USER, "password", PASSWORD)) {
            DeliveryResult r = ch.send(Alerts.alert().build());
            assertThat(r.outcome()).as(r.detail()).isEqualTo(Outcome.FAILED);
            assertThat(r.detail()).contains("does not offer STARTTLS");
        }
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void aWrongPasswordFails() {
        try (EmailChannel ch = email("host", "127.0.0.1", "port", Integer.toString(MAIL.getSmtp().getPort()),
                "security", "none", "username", USER, "password", "wrong-password-value")) {
            DeliveryResult r = ch.send(Alerts.alert().build());
            assertThat(r.outcome()).as(r.detail()).isEqualTo(Outcome.FAILED);
            assertThat(r.detail()).startsWith("SMTP authentication failed at smtp://127.0.0.1:")
                    .doesNotContain("wrong-password-value");
        }
        assertThat(MAIL.getReceivedMessages()).isEmpty();
    }

    @Test
    void rejectedRecipientsFailPermanentlyOrTemporarily() {
        try (SmtpPeers.Scripted server = SmtpPeers.Scripted.rejectingRecipients(
                "550 5.1.1 <oncall@example.com>: Recipient address rejected: User unknown");
                EmailChannel ch = email("host", "127.0.0.1", "port", Integer.toString(server.port()),
                        "security", "none")) {
            DeliveryResult r = ch.send(Alerts.alert().build());
            assertThat(r.outcome()).as(r.detail()).isEqualTo(Outcome.FAILED);
            assertThat(r.detail()).contains("rejected: oncall@example.com").contains("550");
        }
        try (SmtpPeers.Scripted server = SmtpPeers.Scripted.rejectingRecipients("450 4.2.1 mailbox busy, try later");
                EmailChannel ch = email("host", "127.0.0.1", "port", Integer.toString(server.port()),
                        "security", "none")) {
            DeliveryResult r = ch.send(Alerts.alert().build());
            assertThat(r.outcome()).as(r.detail()).isEqualTo(Outcome.RETRY);
            assertThat(r.detail()).startsWith("temporarily rejected by smtp://127.0.0.1:");
        }
    }

    @Test
    void aRefusedConnectionIsRetried() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (EmailChannel ch = email("host", "127.0.0.1", "port", Integer.toString(port), "security", "none")) {
            DeliveryResult r = ch.send(Alerts.alert().build());
            assertThat(r.outcome()).as(r.detail()).isEqualTo(Outcome.RETRY);
            assertThat(r.detail()).startsWith("could not connect to smtp://127.0.0.1:" + port);
        }
    }

    @Test
    @Timeout(20)
    void aSilentServerIsCutOffAtTheTimeout() {
        try (SmtpPeers.Scripted server = SmtpPeers.Scripted.silent();
                EmailChannel ch = email("host", "127.0.0.1", "port", Integer.toString(server.port()),
                        "security", "none", "timeout", "500ms")) {
            long start = System.nanoTime();
            DeliveryResult r = ch.send(Alerts.alert().build());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(r.outcome()).as(r.detail()).isEqualTo(Outcome.RETRY);
            assertThat(took).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void invalidSettingsNameTheirKey() {
        assertThatThrownBy(() -> email("host", "h", "from", "not an address"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("channels.mail.from: \"not an address\" is "
                        + "not a valid email address");
        assertThatThrownBy(() -> email("host", "h", "to", " , "))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("channels.mail.to: needs at least one");
        assertThatThrownBy(() -> email("host", "h", "to", "ok@example.com, broken@"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("channels.mail.to: \"ok@example.com, "
                        + "broken@\" is not a comma-separated list of valid email addresses");
        assertThat(email("host", "h", "to", "\"Lead, Team\" <lead@example.com>, b@example.com").recipients())
                .containsExactly("\"Lead, Team\" <lead@example.com>", "b@example.com");
        assertThatThrownBy(() -> email("host", "h", "username", "u"))
                .isInstanceOf(ConfigException.class).hasMessage("channels.mail.password: is required when username "
                        + "is set");
        assertThatThrownBy(() -> email("host", "h", "security", "ssl"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("channels.mail.security: \"ssl\" is not "
                        + "accepted; accepted: none, starttls, tls");
        assertThatThrownBy(() -> email("port", "25"))
                .isInstanceOf(ConfigException.class).hasMessage("channels.mail.host: is required");
        EmailChannel defaults = email("host", "smtp.example.com");
        assertThat(defaults.destination()).isEqualTo("smtp+starttls://smtp.example.com:587");
        assertThat(defaults.security()).isEqualTo("starttls");
        assertThat(defaults.recipients()).containsExactly("oncall@example.com", "Team Lead <lead@example.org>");
        defaults.close();
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
