/**
 * The built-in alert channels: {@link io.cronjobguardian.engine.alert.channel.SlackChannel Slack} incoming webhooks,
 * {@link io.cronjobguardian.engine.alert.channel.PagerDutyChannel PagerDuty} Events API v2, generic
 * {@link io.cronjobguardian.engine.alert.channel.WebhookChannel webhooks}, each created by an
 * {@link io.cronjobguardian.api.AlertChannelProvider} registered in {@code META-INF/services} whose
 * {@code name()} is the type ({@code slack}, {@code pagerduty}, {@code webhook}). Email over SMTP
 * ({@code type: email}) is the artifact {@code io.cronjobguardian:guardian-alert-email}, built on
 * {@link io.cronjobguardian.engine.alert.channel.BuiltInAlertChannel} and
 * {@link io.cronjobguardian.engine.alert.channel.ChannelSettings}; the engine itself needs no Jakarta Mail. Its keys
 * are listed below too.
 *
 * <p>{@code create(settings, context)} receives one channel's settings (keys relative to
 * {@code channels.<name>.}, plus {@code name} and {@code type}), validates every key, resolves secrets through
 * {@link io.cronjobguardian.api.ProviderContext#secretResolver()} and checks templates by rendering sample alerts;
 * it opens no connection and starts no thread. Problems are {@link io.cronjobguardian.api.ConfigException}s naming
 * the full key; unknown keys are rejected with a suggestion. The user documentation, with payload examples and the
 * template language, is {@code guardian-engine/ALERT-CHANNELS.md}.
 *
 * <table>
 *   <caption>Channel keys (relative to {@code channels.<name>.}); <b>secret</b> keys take the value, or
 *   {@code secret:<name>} (host's SecretResolver) or {@code env:<VARIABLE>} (resolver, then environment)</caption>
 *   <tr><th>type</th><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>all</td><td>{@code timeout}</td><td>{@code 10s}</td><td>one delivery attempt, 100ms to 5m</td></tr>
 *   <tr><td>all</td><td>{@code maxAlertsPerHour}, {@code burstLimit}</td><td>100, 10</td><td>per-channel rate
 *       limit, enforced by the engine (defers, never drops)</td></tr>
 *   <tr><td>slack</td><td>{@code webhookUrl}</td><td>required, <b>secret</b></td><td>incoming-webhook URL</td></tr>
 *   <tr><td>slack</td><td>{@code channel}, {@code username}, {@code iconEmoji}</td><td>–</td><td>overrides</td></tr>
 *   <tr><td>slack</td><td>{@code messageTemplate}</td><td>built in</td><td>template for {@code text}</td></tr>
 *   <tr><td>slack</td><td>{@code blocks}</td><td>{@code true}</td><td>send the Block Kit layout</td></tr>
 *   <tr><td>slack</td><td>{@code maxLogChars}</td><td>2500</td><td>end of the log shown (0 to 2900)</td></tr>
 *   <tr><td>pagerduty</td><td>{@code routingKey}</td><td>required, <b>secret</b></td><td>routing key</td></tr>
 *   <tr><td>pagerduty</td><td>{@code endpoint}</td><td>{@code https://events.pagerduty.com/v2/enqueue}</td>
 *       <td>Events API URL</td></tr>
 *   <tr><td>pagerduty</td><td>{@code severity}</td><td>mapped</td><td>{@code critical}, {@code error},
 *       {@code warning}, {@code info} for every trigger (tests are always info)</td></tr>
 *   <tr><td>pagerduty</td><td>{@code dedupKeyPrefix}</td><td>{@code cronjob-guardian:}</td><td>prefix of the
 *       incident id in {@code dedup_key}</td></tr>
 *   <tr><td>pagerduty</td><td>{@code summaryTemplate}, {@code client}, {@code clientUrl},
 *       {@code maxLogChars}</td><td>built in, {@code CronJob Guardian}, –, 4000</td><td>event fields</td></tr>
 *   <tr><td>webhook</td><td>{@code url}</td><td>required, <b>secret</b></td><td>http(s) URL</td></tr>
 *   <tr><td>webhook</td><td>{@code method}</td><td>{@code POST}</td><td>{@code POST} or {@code PUT}</td></tr>
 *   <tr><td>webhook</td><td>{@code headers.<Name>}</td><td>–</td><td>extra headers; values may be secret
 *       references and are never shown</td></tr>
 *   <tr><td>webhook</td><td>{@code payloadTemplate}</td><td>default document</td><td>body template; inserted values
 *       are JSON-escaped by position, output must be valid JSON</td></tr>
 *   <tr><td>webhook</td><td>{@code maxLogChars}</td><td>10000</td><td>end of the log in the default document</td></tr>
 *   <tr><td>email (guardian-alert-email)</td><td>{@code host}</td><td>required</td><td>SMTP server</td></tr>
 *   <tr><td>email</td><td>{@code security}</td><td>{@code starttls}</td><td>{@code starttls} (required),
 *       {@code tls} (implicit) or {@code none}</td></tr>
 *   <tr><td>email</td><td>{@code port}</td><td>587 / 465 / 25</td><td>by {@code security}</td></tr>
 *   <tr><td>email</td><td>{@code username}, {@code password}</td><td>–, <b>secret</b></td><td>SMTP
 *       authentication (both or neither)</td></tr>
 *   <tr><td>email</td><td>{@code from}, {@code to}, {@code cc}</td><td>required, required, –</td><td>addresses
 *       ({@code to} and {@code cc} comma-separated)</td></tr>
 *   <tr><td>email</td><td>{@code subjectTemplate}, {@code bodyTemplate}, {@code htmlTemplate}</td><td>built in</td>
 *       <td>subject, text part, HTML part (values HTML-escaped)</td></tr>
 *   <tr><td>email</td><td>{@code heloName}, {@code maxLogChars}</td><td>domain of {@code from}, 10000</td>
 *       <td>EHLO name, log characters</td></tr>
 *   <tr><td>email</td><td>{@code trustAllCertificates}</td><td>{@code false}</td><td><b>test only</b>: trust any
 *       certificate, skip the host-name check</td></tr>
 * </table>
 *
 * <p>Delivery never throws: 2xx is delivered; 429 (with {@code Retry-After}), 408, 5xx, timeouts and I/O errors are
 * {@code RETRY}; other 4xx and 3xx are {@code FAILED} with a short, secret-free excerpt of the answer. SMTP:
 * connection failures, timeouts and 4xx replies retry; authentication failures, 5xx rejections and TLS failures
 * fail. Secrets never appear in {@code toString()}, details, exceptions or logs. Templates:
 * {@link io.cronjobguardian.engine.alert.channel.Template}, fields in
 * {@link io.cronjobguardian.engine.alert.channel.TemplateData}.
 */
package io.cronjobguardian.engine.alert.channel;
