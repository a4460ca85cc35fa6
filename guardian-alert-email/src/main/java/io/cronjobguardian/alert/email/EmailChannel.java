package io.cronjobguardian.alert.email;

import io.cronjobguardian.api.AlertChannel;
import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.engine.alert.channel.BuiltInAlertChannel;
import io.cronjobguardian.engine.alert.channel.ChannelSettings;
import io.cronjobguardian.engine.alert.channel.Template;
import io.cronjobguardian.engine.alert.channel.Texts;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.eclipse.angus.mail.util.MailConnectException;

/**
 * Sends alerts by SMTP (Jakarta Mail, Eclipse Angus): {@code security} {@code starttls} (default, port 587,
 * STARTTLS required: never falls back to plain text), {@code tls} (implicit TLS, port 465) or {@code none}
 * (port 25); authentication when {@code username} is set; server certificate and host name checked. Each message
 * is {@code multipart/alternative} with a plain-text and an HTML part (every value HTML-escaped), {@code Date},
 * a {@code Message-ID} that is the same for retries of one notification, {@code References} that thread an
 * incident's messages, and {@code Auto-Submitted: auto-generated}. Subject by default {@code [SEVERITY] title},
 * {@code [SEVERITY] Reminder: title} or {@code [RESOLVED] title}.
 *
 * <p>The {@link Session} is created once and shared (it is thread-safe); each message uses its own connection,
 * bounded by {@code timeout} for connecting, each read and each write. A failed connection, a timeout or a 4xx
 * reply is {@code RETRY}; an authentication failure, a rejected address (5xx), a TLS failure or a server without
 * STARTTLS is {@code FAILED}.
 */
public final class EmailChannel extends BuiltInAlertChannel {

    private final String host;
    private final int port;
    private final String security;
    private final String username;
    private final String password;
    private final InternetAddress from;
    private final InternetAddress[] to;
    private final InternetAddress[] cc;
    private final String domain;
    private final Template subjectTemplate;
    private final Template bodyTemplate;
    private final Template htmlTemplate;
    private final int maxLogChars;
    private final Session session;
    private final String destination;

    private EmailChannel(ChannelSettings cs) {
        super(cs);
        this.host = cs.require("host");
        this.security = cs.choice("security", "starttls", "none", "starttls", "tls");
        int defaultPort = security.equals("tls") ? 465 : security.equals("starttls") ? 587 : 25;
        this.port = cs.integer("port", defaultPort, 1, 65_535);
        String user = cs.string("username", null);
        this.username = user == null ? null : cs.resolve(cs.key("username"), user);
        this.password = cs.secret("password", false);
        if (username != null && password == null) {
            throw new ConfigException(cs.key("password"), "is required when username is set");
        }
        if (password != null && username == null) {
            throw new ConfigException(cs.key("username"), "is required when password is set");
        }
        this.from = address(cs, "from", cs.require("from"));
        this.to = addresses(cs, "to", cs.require("to"));
        String ccList = cs.string("cc", null);
        this.cc = ccList == null ? new InternetAddress[0] : addresses(cs, "cc", ccList);
        String fromDomain = from.getAddress().substring(from.getAddress().lastIndexOf('@') + 1)
                .replaceAll("[^A-Za-z0-9.-]", "");
        this.domain = fromDomain.isEmpty() ? "cronjob-guardian.invalid" : fromDomain;
        String helo = cs.string("heloName", domain);
        boolean trustAll = cs.bool("trustAllCertificates", false);
        this.subjectTemplate = cs.template("subjectTemplate", Template.Escaping.NONE);
        this.bodyTemplate = cs.template("bodyTemplate", Template.Escaping.NONE);
        this.htmlTemplate = cs.template("htmlTemplate", Template.Escaping.HTML);
        this.maxLogChars = cs.integer("maxLogChars", 10_000, 0, 1_000_000);
        this.destination = "smtp" + (security.equals("none") ? "" : "+" + security) + "://" + host + ":" + port;

        String ms = Long.toString(timeout().toMillis());
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", host);
        p.setProperty("mail.smtp.port", Integer.toString(port));
        p.setProperty("mail.smtp.connectiontimeout", ms);
        p.setProperty("mail.smtp.timeout", ms);
        p.setProperty("mail.smtp.writetimeout", ms);
        p.setProperty("mail.smtp.auth", Boolean.toString(username != null));
        p.setProperty("mail.smtp.localhost", helo);
        p.setProperty("mail.smtp.from", from.getAddress());
        p.setProperty("mail.smtp.ssl.enable", Boolean.toString(security.equals("tls")));
        p.setProperty("mail.smtp.starttls.enable", Boolean.toString(security.equals("starttls")));
        p.setProperty("mail.smtp.starttls.required", Boolean.toString(security.equals("starttls")));
        if (trustAll) {
            p.setProperty("mail.smtp.ssl.trust", "*");
            p.setProperty("mail.smtp.ssl.checkserveridentity", "false");
            log.warn("email channel {} trusts every server certificate (trustAllCertificates=true): for tests "
                    + "only, never in production", name());
        } else {
            p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
        }
        this.session = Session.getInstance(p);
        ready(cs);
    }

    /** Creates the channel (called by {@link EmailChannelProvider} once Jakarta Mail is known to be present). */
    static AlertChannel create(ChannelSettings cs) {
        return new EmailChannel(cs);
    }

    private static InternetAddress address(ChannelSettings cs, String k, String value) {
        try {
            InternetAddress a = new InternetAddress(value, true);
            a.validate();
            return a;
        } catch (AddressException e) {
            throw new ConfigException(cs.key(k), "\"" + value + "\" is not a valid email address ("
                    + e.getMessage() + ")");
        }
    }

    private static InternetAddress[] addresses(ChannelSettings cs, String k, String list) {
        InternetAddress[] parsed;
        try {
            parsed = InternetAddress.parse(list, true);
            for (InternetAddress a : parsed) {
                a.validate();
            }
        } catch (AddressException e) {
            throw new ConfigException(cs.key(k), "\"" + list + "\" is not a comma-separated list of valid email "
                    + "addresses (" + e.getMessage() + ")");
        }
        if (parsed.length == 0) {
            throw new ConfigException(cs.key(k), "needs at least one email address (comma-separated)");
        }
        return parsed;
    }

    @Override
    public String destination() {
        return destination;
    }

    /** {@code none}, {@code starttls} or {@code tls}. */
    public String security() {
        return security;
    }

    /** The recipients ({@code to}). */
    public List<String> recipients() {
        List<String> r = new ArrayList<>();
        for (InternetAddress a : to) {
            r.add(a.toString());
        }
        return r;
    }

    @Override
    protected DeliveryResult deliver(AlertMessage m) {
        MimeMessage msg;
        try {
            msg = message(m);
        } catch (MessagingException | UnsupportedEncodingException e) {
            return DeliveryResult.failed("could not build the email: " + describe(e));
        }
        Transport t = null;
        try {
            t = session.getTransport("smtp");
            t.connect(host, port, username, password);
            Address[] recipients = msg.getAllRecipients();
            t.sendMessage(msg, recipients);
            return DeliveryResult.delivered("accepted by " + destination + " for " + recipients.length
                    + (recipients.length == 1 ? " recipient" : " recipients"));
        } catch (MessagingException e) {
            return classify(e, t);
        } finally {
            if (t != null) {
                try {
                    t.close();
                } catch (MessagingException ignored) {
                    // the message was sent or the failure is already reported
                }
            }
        }
    }

    private DeliveryResult classify(MessagingException e, Transport t) {
        String what = describe(e);
        if (e instanceof AuthenticationFailedException) {
            return DeliveryResult.failed("SMTP authentication failed at " + destination + ": " + what);
        }
        if (e instanceof MailConnectException) {
            return DeliveryResult.retry("could not connect to " + destination + ": " + what);
        }
        int code = smtpCode(e);
        if (e instanceof SendFailedException) {
            SendFailedException s = (SendFailedException) e;
            String invalid = s.getInvalidAddresses() == null || s.getInvalidAddresses().length == 0 ? ""
                    : " (rejected: " + join(s.getInvalidAddresses()) + ")";
            if (code >= 400 && code < 500) {
                return DeliveryResult.retry("temporarily rejected by " + destination + invalid + ": " + what);
            }
            return DeliveryResult.failed("rejected by " + destination + invalid + ": " + what);
        }
        if (has(e, SSLException.class) || has(e, GeneralSecurityException.class)) {
            return DeliveryResult.failed("TLS with " + destination + " failed (certificate not trusted or host name "
                    + "mismatch?): " + what);
        }
        String msg = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (msg.contains("starttls")) {
            return DeliveryResult.failed(destination + " does not offer STARTTLS, and security=starttls requires it: "
                    + what);
        }
        if (code < 0 && t instanceof SMTPTransport) {
            code = ((SMTPTransport) t).getLastReturnCode();
        }
        if (code >= 500 && !has(e, IOException.class)) {
            return DeliveryResult.failed("SMTP " + code + " from " + destination + ": " + what);
        }
        return DeliveryResult.retry("SMTP error with " + destination + ": " + what);
    }

    private static int smtpCode(Throwable e) {
        Throwable c = e;
        for (int i = 0; c != null && i < 8; i++) {
            if (c instanceof SMTPAddressFailedException) {
                return ((SMTPAddressFailedException) c).getReturnCode();
            }
            if (c instanceof SMTPSenderFailedException) {
                return ((SMTPSenderFailedException) c).getReturnCode();
            }
            if (c instanceof SMTPSendFailedException) {
                return ((SMTPSendFailedException) c).getReturnCode();
            }
            c = next(c);
        }
        return -1;
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        Throwable c = e;
        for (int i = 0; c != null && i < 8; i++) {
            if (type.isInstance(c)) {
                return true;
            }
            c = next(c);
        }
        return false;
    }

    private static Throwable next(Throwable c) {
        Throwable n = c instanceof MessagingException && ((MessagingException) c).getNextException() != null
                ? ((MessagingException) c).getNextException() : c.getCause();
        return n == c ? null : n;
    }

    private static String join(Address[] addresses) {
        List<String> s = new ArrayList<>();
        for (Address a : addresses) {
            s.add(a.toString());
        }
        return String.join(", ", s);
    }

    /** The message for one alert. */
    MimeMessage message(AlertMessage m) throws MessagingException, UnsupportedEncodingException {
        MimeMessage msg = new IdentifiedMessage(session, messageId(m));
        msg.setFrom(from);
        msg.setRecipients(Message.RecipientType.TO, to);
        if (cc.length > 0) {
            msg.setRecipients(Message.RecipientType.CC, cc);
        }
        msg.setSubject(subject(m), "UTF-8");
        msg.setSentDate(Date.from(m.sentAt()));
        msg.setHeader("Auto-Submitted", "auto-generated");
        msg.setHeader("References", threadId(m));
        msg.setHeader("X-CronJob-Guardian-Incident",
                MimeUtility.fold(30, MimeUtility.encodeText(Texts.head(Texts.oneLine(m.incidentId()), 200),
                        "UTF-8", null)));
        msg.setHeader("X-CronJob-Guardian-Kind", Texts.kind(m.kind()));

        String plain = render(bodyTemplate, "bodyTemplate", m);
        if (plain == null) {
            plain = defaultText(m);
        }
        String html = render(htmlTemplate, "htmlTemplate", m);
        if (html == null) {
            html = bodyTemplate != null && htmlTemplate == null ? preHtml(plain) : defaultHtml(m);
        }
        MimeBodyPart textPart = new MimeBodyPart();
        textPart.setText(plain, "UTF-8", "plain");
        MimeBodyPart htmlPart = new MimeBodyPart();
        htmlPart.setText(html, "UTF-8", "html");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(textPart);
        alternative.addBodyPart(htmlPart);
        msg.setContent(alternative);
        msg.saveChanges();
        return msg;
    }

    /** The subject: the template's (on one line), or {@code [CRITICAL] title} / {@code [RESOLVED] title}. */
    String subject(AlertMessage m) {
        String s = render(subjectTemplate, "subjectTemplate", m);
        if (s == null || s.isBlank()) {
            s = defaultSubject(m);
        }
        return Texts.head(Texts.oneLine(s), 250);
    }

    static String defaultSubject(AlertMessage m) {
        switch (m.kind()) {
            case RESOLVED:
                return "[RESOLVED] " + m.title();
            case REMINDER:
                return "[" + Texts.upper(m.severity()) + "] Reminder: " + m.title();
            default:
                return "[" + Texts.upper(m.severity()) + "] " + m.title();
        }
    }

    private String hash(AlertMessage m) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(m.incidentId().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    /**
     * {@link AlertMessage#idempotencyKey()} at the sender's domain: the same for every attempt of one notification
     * on any replica (a mail system drops a repeated {@code Message-ID}), different for every other message.
     */
    String messageId(AlertMessage m) {
        return "<" + m.idempotencyKey() + "." + Texts.kind(m.kind()) + "@" + domain + ">";
    }

    /** A per-incident id every message of the incident refers to, so mail clients thread them. */
    String threadId(AlertMessage m) {
        return "<cjg." + hash(m) + "@" + domain + ">";
    }

    private List<String[]> rows(AlertMessage m) {
        AlertContext c = m.context();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"CronJob", m.cronJob().toString()});
        rows.add(new String[] {"Type", m.type().wireName()});
        rows.add(new String[] {"Severity", m.severity().wireName()});
        if (c.jobName() != null) {
            rows.add(new String[] {"Job", c.jobName()});
        }
        if (c.exitCode() != null) {
            rows.add(new String[] {"Exit code", c.exitCode().toString()});
        }
        if (!Texts.isBlank(c.reason())) {
            rows.add(new String[] {"Reason", c.reason()});
        }
        if (c.successRate() != null) {
            rows.add(new String[] {"Success rate", Texts.percent(c.successRate())});
        }
        if (c.lastDuration() != null) {
            rows.add(new String[] {"Duration", Texts.goDuration(c.lastDuration())});
        }
        if (!Texts.isBlank(c.podStatus())) {
            rows.add(new String[] {"Pod status", c.podStatus()});
        }
        rows.add(new String[] {"Opened", Texts.rfc3339(m.openedAt())});
        if (m.resolvedAt() != null) {
            rows.add(new String[] {"Resolved", Texts.rfc3339(m.resolvedAt())});
            Duration open = Texts.openFor(m);
            if (open != null) {
                rows.add(new String[] {"Open for", Texts.humanize(open)});
            }
        }
        rows.add(new String[] {"Monitor", m.key().monitor()});
        rows.add(new String[] {"Incident", m.incidentId()});
        return rows;
    }

    private static String heading(AlertMessage m) {
        return m.kind() == NotificationKind.RESOLVED ? "[RESOLVED] " + m.title() : defaultSubject(m);
    }

    /** The default plain-text body. */
    String defaultText(AlertMessage m) {
        AlertContext c = m.context();
        StringBuilder sb = new StringBuilder(heading(m)).append("\n\n");
        for (String[] r : rows(m)) {
            sb.append(String.format(Locale.ROOT, "%-13s %s", r[0] + ":", Texts.oneLine(r[1]))).append('\n');
        }
        if (!m.message().isBlank()) {
            sb.append('\n').append(m.message()).append('\n');
        }
        if (m.kind() != NotificationKind.RESOLVED) {
            if (!Texts.isBlank(c.message()) && !c.message().equals(m.message())) {
                sb.append("\nTermination message:\n").append(c.message()).append('\n');
            }
            if (!Texts.isBlank(c.suggestedFix())) {
                sb.append("\nSuggested fix:\n").append(c.suggestedFix()).append('\n');
            }
            if (!c.events().isEmpty()) {
                sb.append("\nEvents:\n");
                c.events().forEach(e -> sb.append("- ").append(Texts.oneLine(e)).append('\n'));
            }
            if (!Texts.isBlank(c.logTail()) && maxLogChars > 0) {
                sb.append("\nLog tail:\n").append(Texts.tail(c.logTail(), maxLogChars)).append('\n');
            }
        }
        sb.append("\n-- \nCronJob Guardian\n");
        return sb.toString();
    }

    /** The default HTML body; every value is HTML-escaped. */
    String defaultHtml(AlertMessage m) {
        AlertContext c = m.context();
        String color = m.kind() == NotificationKind.RESOLVED ? "#2e7d32"
                : m.severity().ordinal() >= 2 ? "#c62828" : m.severity().ordinal() == 1 ? "#ef6c00" : "#1565c0";
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(Texts.html(heading(m))).append("</title></head>\n<body style=\"font-family:sans-serif\">\n")
                .append("<h2 style=\"color:").append(color).append("\">").append(Texts.html(heading(m)))
                .append("</h2>\n<table cellpadding=\"4\" style=\"border-collapse:collapse\">\n");
        for (String[] r : rows(m)) {
            sb.append("<tr><th align=\"left\">").append(Texts.html(r[0])).append("</th><td>")
                    .append(Texts.html(r[1])).append("</td></tr>\n");
        }
        sb.append("</table>\n");
        if (!m.message().isBlank()) {
            sb.append("<p>").append(Texts.html(m.message()).replace("\n", "<br>\n")).append("</p>\n");
        }
        if (m.kind() != NotificationKind.RESOLVED) {
            if (!Texts.isBlank(c.message()) && !c.message().equals(m.message())) {
                sb.append("<h3>Termination message</h3>\n<pre>").append(Texts.html(c.message())).append("</pre>\n");
            }
            if (!Texts.isBlank(c.suggestedFix())) {
                sb.append("<h3>Suggested fix</h3>\n<p>").append(Texts.html(c.suggestedFix()).replace("\n", "<br>\n"))
                        .append("</p>\n");
            }
            if (!c.events().isEmpty()) {
                sb.append("<h3>Events</h3>\n<ul>\n");
                c.events().forEach(e -> sb.append("<li>").append(Texts.html(e)).append("</li>\n"));
                sb.append("</ul>\n");
            }
            if (!Texts.isBlank(c.logTail()) && maxLogChars > 0) {
                sb.append("<h3>Log tail</h3>\n<pre style=\"background:#f5f5f5;padding:8px;white-space:pre-wrap\">")
                        .append(Texts.html(Texts.tail(c.logTail(), maxLogChars))).append("</pre>\n");
            }
        }
        sb.append("<p style=\"color:#666;font-size:small\">CronJob Guardian</p>\n</body></html>\n");
        return sb.toString();
    }

    private static String preHtml(String plain) {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body><pre style=\"font-family:inherit;"
                + "white-space:pre-wrap\">" + Texts.html(plain) + "</pre></body></html>\n";
    }

    @Override
    public String toString() {
        return "EmailChannel[name=" + name() + ", destination=" + destination + ", from=" + from.getAddress()
                + ", to=" + to.length + (to.length == 1 ? " recipient" : " recipients")
                + (username == null ? "" : ", username=" + username) + ", timeout="
                + io.cronjobguardian.api.Settings.format(timeout()) + "]";
    }

    /** A MimeMessage that keeps the Message-ID we chose instead of generating one on save. */
    private static final class IdentifiedMessage extends MimeMessage {
        private final String id;

        IdentifiedMessage(Session session, String id) {
            super(session);
            this.id = id;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", id);
        }
    }
}
