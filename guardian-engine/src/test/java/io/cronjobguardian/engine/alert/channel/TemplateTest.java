package io.cronjobguardian.engine.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.engine.alert.channel.Template.Escaping;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TemplateTest {

    private static final AlertMessage ALERT = Alerts.alert().build();

    private static String render(String template) {
        return render(template, Escaping.NONE, ALERT);
    }

    private static String render(String template, Escaping escaping, AlertMessage m) {
        return Template.parse(template, escaping).render(TemplateData.of(m, "ops"));
    }

    private static TemplateException parseError(String template) {
        try {
            Template.parse(template, Escaping.NONE);
        } catch (TemplateException e) {
            return e;
        }
        throw new AssertionError("expected a TemplateException for " + template);
    }

    // ------------------------------------------------------------------ fields

    @Test
    void operatorAndFlatFieldNamesBothWork() {
        assertThat(render("{{.Title}}|{{.Severity}}|{{.Type}}|{{.Kind}}|{{.IncidentId}}"))
                .isEqualTo("Job failed: nightly-backup|critical|JobFailed|opened|inc-42");
        assertThat(render("{{.CronJob.Namespace}}/{{.CronJob.Name}} {{.CronJob}} {{.Namespace}}/{{.Name}}"))
                .isEqualTo("prod/nightly-backup prod/nightly-backup prod/nightly-backup");
        assertThat(render("{{.Context.Logs}}|{{.Logs}}")).isEqualTo("starting\nallocating\nKilled|starting\n"
                + "allocating\nKilled");
        assertThat(render("{{.Context.ExitCode}} {{.ExitCode}} {{.Reason}} {{.Context.SuccessRate}} {{.JobName}}"))
                .isEqualTo("137 137 OOMKilled 87.5 nightly-backup-29512345");
        assertThat(render("{{.MonitorRef.Namespace}} {{.MonitorRef.Name}} {{.Monitor}} {{.Channel}}"))
                .isEqualTo("team-a nightly team-a/nightly ops");
        assertThat(render("{{.Timestamp}} {{.OpenedAt}} {{.SentAt}} {{.LastDuration}} {{.Emoji}}"))
                .isEqualTo("2026-03-01T12:00:00Z 2026-03-01T12:00:00Z 2026-03-01T12:00:05Z 1m35s :red_circle:");
        assertThat(render("{{.Key}} {{.NotificationId}} [{{.ResolvedAt}}]"))
                .isEqualTo("team-a/nightly|prod/nightly-backup|JobFailed 7 []");
        assertThat(render("{{.title}} {{ $.Context.reason }}")).isEqualTo("Job failed: nightly-backup OOMKilled");
        AlertMessage resolved = Alerts.alert().kind(NotificationKind.RESOLVED).build();
        assertThat(render("{{.Kind}} {{.Resolved}} {{.Timestamp}} {{.OpenFor}} {{.Emoji}}", Escaping.NONE, resolved))
                .isEqualTo("resolved true 2026-03-01T13:15:00Z 1h15m :white_check_mark:");
    }

    @Test
    void absentValuesPrintNothing() {
        AlertMessage bare = Alerts.alert().bare().build();
        assertThat(render("[{{.ExitCode}}][{{.Logs}}][{{.Context.SuccessRate}}][{{.Events}}]", Escaping.NONE, bare))
                .isEqualTo("[][][][]");
    }

    // ------------------------------------------------------------------ helpers (weak spot 20: they validate)

    @Test
    void theOperatorHelpersWork() {
        AlertMessage longLog = Alerts.alert().logs("0123456789abcdef").build();
        assertThat(render("{{ truncate .Logs 10 }}", Escaping.NONE, longLog)).isEqualTo("0123456789...");
        assertThat(render("{{ .Logs | truncate 10 }}", Escaping.NONE, longLog)).isEqualTo("0123456789...");
        assertThat(render("{{ truncate .Logs 100 }}", Escaping.NONE, longLog)).isEqualTo("0123456789abcdef");
        assertThat(render("{{ tail .Logs 6 }}", Escaping.NONE, longLog)).isEqualTo("...abcdef");
        assertThat(render("{{ upper .Severity }} {{ .Type | lower }} {{ trim \"  x \" }}"))
                .isEqualTo("CRITICAL jobfailed x");
        assertThat(render("{{ jsonEscape .Title }}")).isEqualTo("\"Job failed: nightly-backup\"");
        assertThat(render("{{ formatTime .Timestamp \"RFC3339\" }}")).isEqualTo("2026-03-01T12:00:00Z");
        assertThat(render("{{ formatTime .Timestamp }}")).isEqualTo("2026-03-01T12:00:00Z");
        assertThat(render("{{ formatTime .SentAt \"2006-01-02 15:04:05 MST\" }}")).isEqualTo("2026-03-01 12:00:05 UTC");
        assertThat(render("{{ formatTime .SentAt \"Mon, 02 Jan 2006 3:04PM -07:00\" \"Europe/Berlin\" }}"))
                .isEqualTo("Sun, 01 Mar 2026 1:00PM +01:00");
        assertThat(render("{{ formatTime .SentAt \"RFC1123\" }} / {{ formatTime .SentAt \"Kitchen\" }}"))
                .isEqualTo("Sun, 01 Mar 2026 12:00:05 UTC / 12:00PM");
        assertThat(render("{{ formatTime .SentAt \"Jan _2 15:04:05.000\" }}")).isEqualTo("Mar  1 12:00:05.000");
        assertThat(render("{{ humanizeDuration .LastDuration }} {{ humanizeDuration .Context.LastDuration }} "
                + "{{ humanizeDuration 45 }} {{ humanizeDuration \"3h20m\" }} {{ humanizeDuration \"49h\" }}"))
                .isEqualTo("1m 1m 45s 3h 2d");
        assertThat(render("{{ join .Events \" | \" }}")).isEqualTo("BackOff: Back-off restarting failed container | "
                + "OOMKilling: Memory cgroup out of memory");
        assertThat(render("{{ .PodStatus | default \"n/a\" }} {{ default \"n/a\" .Reason }} {{ len .Events }}"))
                .isEqualTo("n/a OOMKilled 2");
        assertThat(render("{{ printf \"%.1f%% after %d tries, %s %q %5s|%-3s|\" .SuccessRate 3 .Reason \"a\\\"b\" "
                + "\"x\" \"y\" }}")).isEqualTo("87.5% after 3 tries, OOMKilled \"a\\\"b\"     x|y  |");
        assertThat(render("{{ printf \"%s %s\" \"only\" }}")).isEqualTo("only %!s(MISSING)");
    }

    @Test
    void conditionsLoopsAndWith() {
        String t = "{{if eq .Severity \"critical\"}}CRIT{{else if eq .Severity \"warning\"}}WARN{{else}}INFO{{end}}"
                + "{{if and .ExitCode (ne .ExitCode 0)}} exit={{.ExitCode}}{{end}}"
                + "{{if not .PodStatus}} no-pod{{end}}{{if or .PodStatus .Reason}} some{{end}}"
                + "{{range .Events}} [{{.}}]{{else}} none{{end}}"
                + "{{with .Reason}} reason={{.}}{{end}}{{with .PodStatus}}x{{else}} no-status{{end}}"
                + "{{with .CronJob}} {{.Namespace}}{{end}}";
        assertThat(render(t)).isEqualTo("CRIT exit=137 no-pod some [BackOff: Back-off restarting failed container]"
                + " [OOMKilling: Memory cgroup out of memory] reason=OOMKilled no-status prod");
        AlertMessage bare = Alerts.alert().bare().severity(io.cronjobguardian.api.Severity.WARNING).build();
        assertThat(render(t, Escaping.NONE, bare)).isEqualTo("WARN no-pod none no-status prod");
        assertThat(render("{{range .Attributes}}{{.}};{{end}}", Escaping.NONE,
                Alerts.alert().attributes(java.util.Map.of("b", "2", "a", "1")).build())).isEqualTo("1;2;");
    }

    @Test
    void trimMarkersAndComments() {
        assertThat(render("a  {{- .Severity -}}  \n b{{/* a comment */}}c{{- /* trimmed */ -}}  d"))
                .isEqualTo("acriticalbcd");
        assertThat(render("{{ `raw \\n {{ }}` }}|{{ \"esc\\t\\u00e9\\x41\" }}|{{ 42 }}|{{ -1.5 }}|{{ true }}|{{ nil }}"))
                .isEqualTo("raw \\n {{ }}|esc\té" + "A|42|-1.5|true|");
    }

    @Test
    void theOperatorsSlackStyleTemplateWithHelpersIsAccepted() {
        String operatorStyle = "{{ if eq .Severity \"critical\" }}:red_circle:{{ else }}:warning:{{ end }} "
                + "*{{ .Title }}*\nCronJob: `{{ .CronJob.Namespace }}/{{ .CronJob.Name }}`\n"
                + "{{ if .Context.SuggestedFix }}:bulb: {{ .Context.SuggestedFix }}{{ end }}\n"
                + "```{{ truncate .Context.Logs 1500 }}```\nAt {{ formatTime .Timestamp \"RFC3339\" }} "
                + "({{ humanizeDuration .Context.LastDuration }}) {{ jsonEscape .Message }}";
        ChannelSettings cs = new ChannelSettings(Alerts.settings("ops", "slack", "messageTemplate", operatorStyle),
                Alerts.context(), "slack");
        assertThat(cs.template("messageTemplate", Escaping.SLACK)).isNotNull();
        assertThat(render(operatorStyle)).startsWith(":red_circle: *Job failed: nightly-backup*\nCronJob: "
                + "`prod/nightly-backup`\n:bulb: Increase the memory limit of the container.\n```starting");
    }

    // ------------------------------------------------------------------ errors, with positions

    @Test
    void unknownFieldsAndFunctionsAreReportedWithTheirPosition() {
        TemplateException e = parseError("Hello\n  {{ .Titel }}");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.column()).isEqualTo(6);
        assertThat(e.getMessage()).startsWith("line 2, column 6: unknown field .Titel (did you mean .Title?)");
        assertThat(parseError("{{ trunc .Logs 5 }}").getMessage())
                .startsWith("line 1, column 4: unknown function \"trunc\" (did you mean truncate?)")
                .contains("formatTime, humanizeDuration, join, jsonEscape");
        assertThat(parseError("{{ .Context.Lgos }}").getMessage()).contains("unknown field .Context.Lgos (did you "
                + "mean .Context.Logs?)");
        assertThat(parseError("{{ .Title.Length }}").getMessage()).contains("cannot read field .Length of .Title, "
                + "which is a string");
        assertThat(parseError("{{ .Context }}").getMessage()).contains("cannot print .Context, a group of fields");
        assertThat(parseError("{{ range .Title }}{{ end }}").getMessage()).contains("cannot range over a string");
        assertThat(parseError("{{ range .Events }}{{ .Foo }}{{ end }}").getMessage())
                .contains("cannot read field .Foo of ., which is a string");
    }

    @Test
    void syntaxErrorsAreReportedWithTheirPosition() {
        assertThat(parseError("{{ truncate .Logs }}").getMessage())
                .isEqualTo("line 1, column 4: truncate takes 2 arguments, got 1");
        assertThat(parseError("{{ .Logs | truncate 1 2 }}").getMessage())
                .contains("truncate takes 2 arguments, got 3 (counting the value piped in)");
        assertThat(parseError("ok {{ .Title ").getMessage()).isEqualTo("line 1, column 4: unclosed action: missing }}");
        assertThat(parseError("{{ if .Title }}x").getMessage()).contains("missing {{end}} for this {{if}}");
        assertThat(parseError("x{{ end }}").getMessage()).contains("unexpected {{end}}");
        assertThat(parseError("{{ $x := .Title }}").getMessage()).contains("variables ($name) are not supported");
        assertThat(parseError("{{ .Title \"extra\" }}").getMessage()).contains("only functions take arguments");
        assertThat(parseError("{{ upper upper .Title }}").getMessage()).contains("must be in parentheses");
        assertThat(parseError("{{ .Title | .Message }}").getMessage()).contains("only a function can follow |");
        assertThat(parseError("{{ \"unterminated }}").getMessage()).contains("unterminated string");
        assertThat(parseError("{{ template \"x\" }}").getMessage()).contains("{{template}} is not supported");
        assertThat(parseError("{{ }}").getMessage()).contains("empty action");
        assertThat(parseError("{{ (upper .Title }}").getMessage()).contains("unclosed (");
    }

    @Test
    void aChannelRejectsABadTemplateNamingTheKeyAndPosition() {
        ChannelSettings cs = new ChannelSettings(Alerts.settings("ops", "slack",
                "messageTemplate", "ok\n{{ truncate .Logs -1 }}"), Alerts.context(), "slack");
        assertThatThrownBy(() -> cs.template("messageTemplate", Escaping.SLACK))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("channels.ops.messageTemplate: template fails for a sample opened alert: "
                        + "line 2, column 4: truncate: the length must be 0 or more, was -1")
                .extracting(e -> ((ConfigException) e).key()).isEqualTo("channels.ops.messageTemplate");
        ChannelSettings cs2 = new ChannelSettings(Alerts.settings("ops", "slack", "messageTemplate", "{{ .Nope }}"),
                Alerts.context(), "slack");
        assertThatThrownBy(() -> cs2.template("messageTemplate", Escaping.SLACK))
                .hasMessageStartingWith("channels.ops.messageTemplate: invalid template: line 1, column 4: unknown "
                        + "field .Nope");
    }

    // ------------------------------------------------------------------ escaping

    @Test
    void slackAndHtmlEscapingApplyToInsertedValuesOnly() {
        AlertMessage m = Alerts.alert().message("ping <!channel> & <https://evil|click>").build();
        assertThat(render("<https://example.com|{{.Message}}>", Escaping.SLACK, m))
                .isEqualTo("<https://example.com|ping &lt;!channel&gt; &amp; &lt;https://evil|click&gt;>");
        assertThat(render("<b>{{.Message}}</b><a title=\"{{.Message}}\">", Escaping.HTML,
                Alerts.alert().message("<script>\"'&").build()))
                .isEqualTo("<b>&lt;script&gt;&quot;&#39;&amp;</b><a title=\"&lt;script&gt;&quot;&#39;&amp;\">");
    }

    /** The operator's own default webhook template: invalid JSON there with quotes or newlines (weak spot 19). */
    static final String OPERATOR_WEBHOOK_TEMPLATE = "{\n"
            + "  \"key\": \"{{ .Key }}\",\n"
            + "  \"type\": \"{{ .Type }}\",\n"
            + "  \"severity\": \"{{ .Severity }}\",\n"
            + "  \"title\": \"{{ .Title }}\",\n"
            + "  \"message\": \"{{ .Message }}\",\n"
            + "  \"cronjob\": {\n"
            + "    \"namespace\": \"{{ .CronJob.Namespace }}\",\n"
            + "    \"name\": \"{{ .CronJob.Name }}\"\n"
            + "  },\n"
            + "  \"timestamp\": \"{{ formatTime .Timestamp \"RFC3339\" }}\",\n"
            + "  \"context\": {\n"
            + "    \"suggested_fix\": \"{{ .Context.SuggestedFix }}\",\n"
            + "    \"success_rate\": {{ .Context.SuccessRate }},\n"
            + "    \"exit_code\": {{ .Context.ExitCode }},\n"
            + "    \"reason\": \"{{ .Context.Reason }}\",\n"
            + "    \"logs\": {{ jsonEscape .Context.Logs }}\n"
            + "  }\n"
            + "}";

    @Test
    void jsonEscapingKeepsTheOperatorsDefaultTemplateValidWhateverTheAlertContains() throws Exception {
        AlertMessage nasty = Alerts.alert().nasty().build();
        String out = render(OPERATOR_WEBHOOK_TEMPLATE, Escaping.JSON, nasty);
        assertThat(Json.describeError(out)).isNull();
        JsonNode n = HttpReceiver.JSON.readTree(out);
        assertThat(n.get("title").textValue()).isEqualTo(JsonTestSupport.sanitized(nasty.title()));
        assertThat(n.get("message").textValue()).isEqualTo(JsonTestSupport.sanitized(nasty.message()));
        assertThat(n.get("cronjob").get("name").textValue()).isEqualTo(JsonTestSupport.sanitized(nasty.cronJob().name()));
        assertThat(n.get("context").get("logs").textValue())
                .isEqualTo(JsonTestSupport.sanitized(nasty.context().logTail()));
        assertThat(n.get("context").get("success_rate").doubleValue()).isEqualTo(87.5);
        assertThat(n.get("context").get("exit_code").intValue()).isEqualTo(137);
        assertThat(n.get("timestamp").textValue()).isEqualTo("2026-03-01T12:00:00Z");

        AlertMessage bare = Alerts.alert().bare().build();
        JsonNode b = HttpReceiver.JSON.readTree(render(OPERATOR_WEBHOOK_TEMPLATE, Escaping.JSON, bare));
        assertThat(b.get("context").get("exit_code").isNull()).isTrue();
        assertThat(b.get("context").get("success_rate").isNull()).isTrue();
        assertThat(b.get("context").get("logs").textValue()).isEmpty();
        assertThat(b.get("context").get("reason").textValue()).isEmpty();
    }

    @Test
    void jsonEscapingPutsTypedValuesOutsideStrings() throws Exception {
        String t = "{\"t\": {{.Title}}, \"n\": {{.ExitCode}}, \"ev\": {{.Events}}, \"at\": {{.OpenedAt}}, "
                + "\"cj\": {{.CronJob}}, \"ok\": {{.Resolved}}, \"j\": {{toJson .Attributes}}, "
                + "\"inner\": \"{{jsonEscape .Logs}}\", \"bs\": \"a\\{{.Reason}}\", \"mixed\": \"[{{.Title}}]\"}";
        AlertMessage m = Alerts.alert().nasty().attributes(java.util.Map.of("k", "v\"")).build();
        String out = render(t, Escaping.JSON, m);
        assertThat(Json.describeError(out)).as(out).isNull();
        JsonNode n = HttpReceiver.JSON.readTree(out);
        assertThat(n.get("t").textValue()).isEqualTo(JsonTestSupport.sanitized(m.title()));
        assertThat(n.get("n").intValue()).isEqualTo(137);
        assertThat(n.get("ev").isArray()).isTrue();
        assertThat(n.get("ev").size()).isEqualTo(2);
        assertThat(n.get("at").textValue()).isEqualTo("2026-03-01T12:00:00Z");
        assertThat(n.get("cj").get("Namespace").textValue()).isEqualTo("prod");
        assertThat(n.get("ok").booleanValue()).isFalse();
        assertThat(n.get("j").get("k").textValue()).isEqualTo("v\"");
        assertThat(n.get("inner").textValue()).isEqualTo(Json.quote(m.context().logTail()));
        assertThat(n.get("bs").textValue()).isEqualTo("a\\" + JsonTestSupport.sanitized(m.context().reason()));
        assertThat(n.get("mixed").textValue()).isEqualTo("[" + JsonTestSupport.sanitized(m.title()) + "]");
    }

    @Test
    void randomAlertTextNeverBreaksAJsonTemplate() throws Exception {
        Random random = new Random(7);
        String[] pieces = {"\"", "\\", "\n", "\t", "\u0000", "</script>", "{{", "}}", "\uD83D", "\uDE80",
            "\uD83D\uDE80", "'", "`", "${x}", "%s", "\u2028", "é", ",", "]", "}"};
        Template t = Template.parse(OPERATOR_WEBHOOK_TEMPLATE, Escaping.JSON);
        for (int i = 0; i < 300; i++) {
            StringBuilder sb = new StringBuilder("x");
            for (int k = 0; k < 12; k++) {
                sb.append(pieces[random.nextInt(pieces.length)]);
            }
            String s = sb.toString();
            AlertMessage m = Alerts.alert().title(s).message(s).reason(s).suggestedFix(s).logs(s).cronJob("ns", s)
                    .build();
            String out = t.render(TemplateData.of(m, "ops"));
            assertThat(Json.describeError(out)).as(out).isNull();
            assertThat(HttpReceiver.JSON.readTree(out).get("message").textValue())
                    .isEqualTo(JsonTestSupport.sanitized(s));
        }
    }

    @Test
    void aJsonTemplateThatRendersInvalidJsonIsRejectedWhenTheChannelIsCreated() {
        for (String bad : List.of("{\"title\": {{.Title}} {{.Message}}}", "{\"a\": 1,}", "{\"t\": \"{{.Title}}\"",
                "[{{range .Events}}{{.}}{{end}}]", "{{.Title}}{{.Title}}")) {
            ChannelSettings cs = new ChannelSettings(Alerts.settings("hook", "webhook", "payloadTemplate", bad),
                    Alerts.context(), "webhook");
            assertThatThrownBy(() -> cs.template("payloadTemplate", Escaping.JSON)).as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("channels.hook.payloadTemplate: template renders invalid JSON for a sample")
                    .hasMessageContaining("line ");
        }
        ChannelSettings ok = new ChannelSettings(Alerts.settings("hook", "webhook", "payloadTemplate",
                "[{{range .Events}}{{.}},{{end}}null]"), Alerts.context(), "webhook");
        assertThat(ok.template("payloadTemplate", Escaping.JSON)).isNotNull();
    }
}
