package io.prodigy.cli.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.FailedAttempt;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.core.DeadLetters;
import io.prodigy.core.Prodigy;
import io.prodigy.core.RunHandle;
import io.prodigy.core.store.EventLogReader;
import io.prodigy.core.store.FileCheckpointStore;
import io.prodigy.core.store.FileDlqStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class RunReportTest {
    private static final String ATTEMPT_BARS = "//g[@class='bars']/rect[@class='b-ok' or @class='b-retried' "
            + "or @class='b-failed' or @class='b-dlq' or @class='b-cancelled' or @class='b-running']";

    @TempDir
    Path dir;

    /** @return where pages and screenshots are kept for a person to open after the build (under the build directory) */
    static Path keptDirectory() {
        return Path.of(System.getProperty("prodigy.buildDirectory", "target"), "report-test");
    }

    /** Saves a page under target/ so that a person can open it after the build. */
    static Path keep(String name, String html) throws Exception {
        Path out = Files.createDirectories(keptDirectory()).resolve(name);
        Files.writeString(out, html, StandardCharsets.UTF_8);
        return out;
    }

    static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    static NodeList nodes(Document doc, String xpath) throws Exception {
        return (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET);
    }

    static String text(Document doc, String xpath) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(xpath, doc);
    }

    static void assertSelfContained(String html) {
        Set<String> urls = new HashSet<>();
        Matcher m = Pattern.compile("(?i)(https?:|ftp:|//[a-z0-9.-]+\\.[a-z]{2,})[^\"'\\s<>)]*")
                .matcher(html);
        while (m.find()) {
            urls.add(m.group());
        }
        assertThat(urls)
                .isSubsetOf(
                        "http://www.w3.org/1999/xhtml",
                        "http://www.w3.org/2000/svg",
                        "//www.w3.org/1999/xhtml",
                        "//www.w3.org/2000/svg");
        assertThat(html)
                .doesNotContainIgnoringCase("<script")
                .doesNotContainIgnoringCase("src=")
                .doesNotContainIgnoringCase("@import")
                .doesNotContainIgnoringCase("url(http");
    }

    private static <T extends RunEvent> List<T> events(List<RunEvent> all, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (RunEvent e : all) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    @Test
    void mixedRunShowsEveryAttemptWaitAndDeadLetterPattern() throws Exception {
        ReportRuns.Run run = ReportRuns.mixed(dir);
        assertThat(run.result().status()).isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        Path out = dir.resolve("out/report.html");
        RunReport.writeHtml(run.home(), run.runId(), out);
        String html = Files.readString(out);
        keep("mixed.html", html);
        Document doc = parse(html);
        List<RunEvent> ev = EventLogReader.open(run.home()).read(run.runId());

        // one bar per item attempt, coloured by outcome
        assertThat(nodes(doc, ATTEMPT_BARS).getLength())
                .isEqualTo(events(ev, RunEvent.ItemStarted.class).size())
                .isEqualTo(12 + 4);
        long retried = events(ev, RunEvent.ItemFailed.class).stream()
                .filter(RunEvent.ItemFailed::willRetry)
                .count();
        assertThat(nodes(doc, "//g[@class='bars']/rect[@class='b-retried']").getLength())
                .isEqualTo(retried)
                .isEqualTo(4);
        assertThat(nodes(doc, "//g[@class='bars']/rect[@class='b-dlq']").getLength())
                .isEqualTo(2);
        assertThat(nodes(doc, "//g[@class='bars']/rect[@class='b-ok']").getLength())
                .isEqualTo(10);
        assertThat(nodes(doc, "//g[@class='bars']/rect[@class='rtick']").getLength())
                .isEqualTo(4);
        // waits: item backoff, a step retry, rate limits (with a marker on the axis each)
        long backoffs = events(ev, RunEvent.RetryScheduled.class).stream()
                .filter(r -> r.label() == null)
                .count();
        long stepRetries = events(ev, RunEvent.RetryScheduled.class).stream()
                .filter(r -> r.label() != null)
                .count();
        int throttles = events(ev, RunEvent.Throttled.class).size();
        assertThat(nodes(doc, "//g[@class='bars']/rect[@class='w-backoff']").getLength())
                .isEqualTo(backoffs)
                .isEqualTo(4);
        assertThat(nodes(doc, "//g[@class='bars']/rect[@class='w-stepwait']").getLength())
                .isEqualTo(stepRetries)
                .isEqualTo(1);
        assertThat(nodes(doc, "//g[@class='bars']/rect[@class='w-throttle']").getLength())
                .isEqualTo(throttles)
                .isEqualTo(3);
        assertThat(nodes(doc, "//path[@class='tmark']").getLength()).isEqualTo(throttles);
        // every bar has a tooltip naming its item
        NodeList bars = nodes(doc, ATTEMPT_BARS);
        for (int i = 0; i < bars.getLength(); i++) {
            assertThat(((Element) bars.item(i))
                            .getElementsByTagName("title")
                            .item(0)
                            .getTextContent())
                    .contains(" \u2014 attempt ");
        }
        // slots: never more than max parallel
        assertThat(RunReport.load(run.home(), run.runId()).slots()).isBetween(1, 3);
        // setup and reduce rows
        assertThat(text(doc, "//text[@class='lbl'][1]/text()")).isEqualTo("setup");
        assertThat(nodes(doc, "//text[@class='lbl' and starts-with(., 'reduce')]")
                        .getLength())
                .isEqualTo(1);

        // header
        assertThat(text(doc, "//header//h1")).isEqualTo("triage <b>&amp; \"quotes\"");
        assertThat(text(doc, "//header//span[contains(@class,'pill')]")).isEqualTo("COMPLETED WITH FAILURES");
        assertThat(text(doc, "//header"))
                .contains(run.runId())
                .contains("Dead-lettered")
                .contains("$0.1250")
                .doesNotContain("NaN");
        assertThat(text(doc, "//div[contains(@class,'card')][div='Tokens']/div[@class='v']"))
                .isEqualTo("15.5k");
        assertThat(text(doc, "//div[contains(@class,'card')][div='Parallel efficiency']/div[@class='v']"))
                .matches("\\d{1,3}%");

        // per-item table: one row per item, hostile id shown as text
        assertThat(nodes(doc, "//table[@class='items']/tbody/tr").getLength()).isEqualTo(12);
        assertThat(text(doc, "//table[@class='items']/tbody/tr[td[1]='8']/td[@class='id']"))
                .isEqualTo(ReportRuns.HOSTILE_ID);
        assertThat(text(doc, "//table[@class='items']/tbody/tr[1]/td[3]")).isEqualTo("DEAD LETTERED");
        assertThat(text(doc, "//table[@class='items']/tbody/tr[1]/td[4]")).isEqualTo("2");
        assertThat(text(doc, "//table[@class='items']/tbody/tr[1]/td[2]")).isEqualTo("item-4");
        assertThat(text(doc, "//table[@class='items']/tbody/tr[2]/td[2]")).isEqualTo("item-9");
        assertThat(text(doc, "//table[@class='items']/tbody/tr[1]/td[@class='err']"))
                .contains("COMMAND_FAILED")
                .contains("boom <b>&amp; 'q'");
        assertThat(text(doc, "//table[@class='items']/tbody/tr[td[@class='id']='item-0']/td[7]"))
                .isEqualTo("1,550");
        assertThat(html).doesNotContain("<script>alert").contains("&lt;script&gt;alert(&quot;pwn&amp;&#39;&quot;)");
        assertThat(nodes(doc, "//g[@class='bars']/rect/title[contains(., '" + "alert(\"pwn" + "')]")
                        .getLength())
                .isEqualTo(1);

        // DLQ grouped like DeadLetters.stats
        List<DeadLetters.PatternStats> stats;
        try (FileDlqStore store = FileDlqStore.open(run.home())) {
            stats = new DeadLetters(store).stats(run.runId());
        }
        NodeList groups = nodes(doc, "//table[@class='dlq']/tbody/tr");
        assertThat(groups.getLength()).isEqualTo(stats.size()).isEqualTo(1);
        assertThat(text(doc, "//table[@class='dlq']/tbody/tr[1]/td[1]")).isEqualTo("2");
        assertThat(text(doc, "//table[@class='dlq']/tbody/tr[1]/td[2]"))
                .contains("COMMAND_FAILED")
                .contains(
                        stats.get(0).pattern().substring(stats.get(0).pattern().indexOf("::") + 2));
        assertThat(text(doc, "//table[@class='dlq']/tbody/tr[1]/td[3]"))
                .contains("item-4")
                .contains("item-9");
        assertThat(text(doc, "//table[@class='dlq']/tbody/tr[1]/td[4]")).contains("boom <b>&amp; 'q' at /tmp/w/4");

        // totals and phases
        assertThat(text(doc, "//dt[.='attempts']/following-sibling::dd[1]")).isEqualTo("16");
        assertThat(text(doc, "//dt[.='throttle events']/following-sibling::dd[1]"))
                .isEqualTo("3");
        assertThat(nodes(doc, "//table[@class='phases']/tbody/tr").getLength()).isEqualTo(3);
        assertSelfContained(html);
    }

    @Test
    void runWithNoItemsRenders() throws Exception {
        RunResult r;
        Path home;
        try (Prodigy p =
                ReportRuns.engine(dir).agentRunner(ReportRuns.meteredAgent()).build()) {
            r = p.run(Workflow.mapReduce("nothing to do")
                    .map(MapPhase.builder().input(WorkInput.values(List.of())).agentTemplate(Step.shell("true")))
                    .build());
            home = p.home();
        }
        Path out = dir.resolve("empty.html");
        RunReport.writeHtml(home, r.runId(), out);
        String html = Files.readString(out);
        Document doc = parse(html);
        assertThat(nodes(doc, ATTEMPT_BARS).getLength()).isZero();
        assertThat(text(doc, "//div[contains(@class,'card')][div='Items']/div[@class='v']"))
                .isEqualTo("0");
        assertThat(text(doc, "//body"))
                .contains("This run has no work items")
                .contains("No agent ran")
                .contains("Dead Letter Queue of this run is empty");
        assertSelfContained(html);
    }

    @Test
    void runningRunDrawsOpenBarsToItsLastEvent() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            items.add(Map.of("n", i));
        }
        try (Prodigy p = ReportRuns.engine(dir)
                .agentRunner(req -> {
                    started.countDown();
                    release.await();
                    return AgentResult.success("ok");
                })
                .build()) {
            RunHandle h = p.start(Workflow.mapReduce("long one")
                    .map(MapPhase.builder()
                            .input(WorkInput.values(items))
                            .maxParallel(2)
                            .agentTemplate(Step.shell("true"), Step.agent("/slow ${item.n}")))
                    .build());
            try {
                assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
                String html = RunReport.load(p.home(), h.runId()).toHtml();
                keep("running.html", html);
                Document doc = parse(html);
                assertThat(text(doc, "//header//span[contains(@class,'pill')]")).isEqualTo("RUNNING");
                assertThat(text(doc, "//header")).contains("still running");
                NodeList open = nodes(doc, "//g[@class='bars']/rect[@class='b-running']");
                assertThat(open.getLength()).isEqualTo(2);
                assertThat(open.item(0).getTextContent()).contains("so far").contains("/slow");
                assertThat(nodes(doc, "//line[@class='now']").getLength()).isEqualTo(1);
                assertThat(nodes(doc, "//table[@class='items']/tbody/tr/td/span[.='RUNNING']")
                                .getLength())
                        .isEqualTo(2);
                assertThat(text(doc, "//div[contains(@class,'card')][div='Items']/div[@class='v']"))
                        .isEqualTo("5");
                assertSelfContained(html);
            } finally {
                release.countDown();
            }
            assertThat(h.await().status()).isEqualTo(RunStatus.SUCCEEDED);
            Document done = parse(RunReport.load(p.home(), h.runId()).toHtml());
            assertThat(nodes(done, "//g[@class='bars']/rect[@class='b-running']")
                            .getLength())
                    .isZero();
            assertThat(nodes(done, "//g[@class='bars']/rect[@class='b-ok']").getLength())
                    .isEqualTo(5);
            assertThat(nodes(done, "//line[@class='now']").getLength()).isZero();
        }
    }

    @Test
    void thousandItemsStayUnderTwoMegabytes() throws Exception {
        ReportRuns.Run run = ReportRuns.thousand(dir);
        RunResult r = run.result();
        Path home = run.home();
        assertThat(r.summary().total()).isEqualTo(1000);
        String html = RunReport.load(home, r.runId()).toHtml();
        Path kept = keep("thousand.html", html);
        long bytes = Files.size(kept);
        System.out.println("report of 1,000 items: " + bytes + " bytes");
        assertThat(bytes).isLessThan(2_000_000);
        Document doc = parse(html);
        int attempts = events(EventLogReader.open(home).read(r.runId()), RunEvent.ItemStarted.class)
                .size();
        assertThat(nodes(doc, ATTEMPT_BARS).getLength()).isEqualTo(attempts).isGreaterThan(1000);
        assertThat(nodes(doc, "//table[@class='items']/tbody/tr").getLength()).isEqualTo(1000);
        List<DeadLetters.PatternStats> stats;
        try (FileDlqStore store = FileDlqStore.open(home)) {
            stats = new DeadLetters(store).stats(r.runId());
        }
        // the engine's messages name their item; neither dlq stats nor the report make that a pattern per item
        assertThat(stats).hasSize(2);
        assertThat(nodes(doc, "//table[@class='dlq']/tbody/tr").getLength()).isEqualTo(2);
        assertThat(text(doc, "//table[@class='dlq']/tbody/tr[1]/td[1]")
                        + text(doc, "//table[@class='dlq']/tbody/tr[2]/td[1]"))
                .isEqualTo("1414");
        assertSelfContained(html);
    }

    @Test
    void runWithoutEventLogIsDrawnFromItsJournal() throws Exception {
        RunResult r;
        Path home;
        try (Prodigy p = ReportRuns.engine(dir).eventLog(false).build()) {
            r = p.run(Workflow.mapReduce("journal only")
                    .map(MapPhase.builder()
                            .input(WorkInput.values(List.of(Map.of("n", 1), Map.of("n", 2), Map.of("n", 3))))
                            .agentTemplate(Step.shell("[ ${item.n} -ne 2 ] || { echo 'bad & <worse>' >&2; exit 1; }")))
                    .build());
            home = p.home();
        }
        assertThat(Files.exists(EventLogReader.open(home).file(r.runId()))).isFalse();
        String html = RunReport.load(home, r.runId()).toHtml();
        Document doc = parse(html);
        assertThat(nodes(doc, "//table[@class='items']/tbody/tr").getLength()).isEqualTo(3);
        assertThat(nodes(doc, ATTEMPT_BARS).getLength()).isEqualTo(3);
        assertThat(nodes(doc, "//g[@class='bars']/rect[@class='b-dlq']").getLength())
                .isEqualTo(1);
        assertThat(text(doc, "//table[@class='items']/tbody/tr[1]/td[3]")).isEqualTo("DEAD LETTERED");
        assertThat(text(doc, "//table[@class='dlq']/tbody/tr[1]/td[4]")).contains("bad & <worse>");
        assertThat(text(doc, "//footer")).contains("no event log");
        assertSelfContained(html);
    }

    @Test
    void unknownRunIsReportedAsMissing() throws Exception {
        Files.createDirectories(dir.resolve("home/runs"));
        assertThatThrownBy(() -> RunReport.writeHtml(dir.resolve("home"), "run-nope", dir.resolve("x.html")))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("run-nope");
        assertThat(Files.exists(dir.resolve("x.html"))).isFalse();
    }

    @Test
    void hostileTextIsEscapedEverywhere() throws Exception {
        String evil = "a\u0000b\u0001c\u001b[31m\r\n\t<!-- ]]> --> <![CDATA[ x ]]> </svg></title><script>alert(1)"
                + "</script> \" ' & &amp; \ud800 lone \udc00 \u202eevil\u202c \uffff \u0085 \ud83d\ude00";
        String longText = "y".repeat(50_000);
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        String run = "run-hostile";
        List<RunEvent> ev = new ArrayList<>();
        ev.add(new RunEvent.RunStarted(run, t, evil));
        ev.add(new RunEvent.PhaseStarted(run, t, evil, "setup"));
        ev.add(new RunEvent.StepStarted(run, t, null, "setup", 0, evil));
        ev.add(new RunEvent.StepFinished(
                run, t.plusMillis(50), null, "setup", 0, evil, false, false, 1, Duration.ofMillis(50)));
        ev.add(new RunEvent.PhaseFinished(run, t.plusMillis(50), evil, "setup", false, Duration.ofMillis(50)));
        ev.add(new RunEvent.PhaseStarted(run, t.plusMillis(60), evil, "map"));
        ev.add(new RunEvent.ItemsResolved(run, t.plusMillis(60), evil, 2, 2));
        ev.add(new RunEvent.ItemStarted(run, t.plusMillis(70), evil, 1, "w"));
        ev.add(new RunEvent.ItemStarted(run, t.plusMillis(70), longText, 1, "w"));
        ev.add(new RunEvent.Throttled(
                run, t.plusMillis(80), evil, ErrorKind.RATE_LIMITED, 1, null, Duration.ofMillis(20)));
        ev.add(new RunEvent.ItemFailed(run, t.plusMillis(200), evil, 1, ErrorKind.COMMAND_FAILED, evil, true));
        ev.add(new RunEvent.RetryScheduled(run, t.plusMillis(200), evil, null, 2, Duration.ofMillis(10), evil));
        ev.add(new RunEvent.ItemStarted(run, t.plusMillis(210), evil, 2, "w"));
        ev.add(new RunEvent.ItemFailed(run, t.plusMillis(300), evil, 2, ErrorKind.COMMAND_FAILED, longText, false));
        ev.add(new RunEvent.ItemDeadLettered(run, t.plusMillis(300), evil));
        ev.add(new RunEvent.ItemFinished(
                run, t.plusMillis(300), evil, ItemStatus.FAILED, 2, Duration.ofMillis(220), null));
        ev.add(new RunEvent.ItemFinished(
                run, t.plusMillis(310), longText, ItemStatus.SUCCEEDED, 1, Duration.ofMillis(240), 0.5));
        ev.add(new RunEvent.PhaseFinished(run, t.plusMillis(320), evil, "map", true, Duration.ofMillis(260)));
        ev.add(new RunEvent.RunFinished(
                run, t.plusMillis(330), RunStatus.COMPLETED_WITH_FAILURES, Duration.ofMillis(330)));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("args", evil);
        RunRecord record =
                new RunRecord(run, evil, "h", RunStatus.COMPLETED_WITH_FAILURES, dir, null, t, t.plusMillis(330), meta);
        List<DlqEntry> dlq = List.of(new DlqEntry(
                run,
                evil,
                "{}",
                List.of(
                        new FailedAttempt(1, t.plusMillis(200), ErrorKind.COMMAND_FAILED, evil, 1, evil, evil),
                        new FailedAttempt(2, t.plusMillis(300), ErrorKind.COMMAND_FAILED, longText, 1, evil, evil)),
                null,
                false,
                t.plusMillis(200),
                t.plusMillis(300)));
        List<JournalEntry> journal = List.of(new JournalEntry.ItemsResolved(t, 0, List.of(evil, longText), "[]"));

        String html = RunReport.of(run, record, ev, journal, dlq).toHtml(t);
        keep("hostile.html", html);
        Document doc = parse(html);
        assertThat(html)
                .doesNotContain("<script")
                .doesNotContain("\u0000")
                .doesNotContain("\u001b")
                .doesNotContain("<![CDATA[")
                .doesNotContain("\ud800 ")
                .doesNotContain("\uffff");
        assertThat(html.length()).isLessThan(60_000);
        assertThat(text(doc, "//header//h1"))
                .contains("<script>alert(1)</script>")
                .contains("\\u0000")
                .contains("\\u001b[31m")
                .contains("\ud83d\ude00")
                .contains("\\u202eevil")
                .doesNotContain("\u202e");
        assertThat(nodes(doc, ATTEMPT_BARS).getLength()).isEqualTo(3);
        assertThat(nodes(doc, "//table[@class='items']/tbody/tr").getLength()).isEqualTo(2);
        assertThat(text(doc, "//table[@class='items']/tbody/tr[2]/td[@class='id']"))
                .hasSizeLessThan(200)
                .contains("more characters");
        assertThat(text(doc, "//table[@class='dlq']/tbody/tr[1]/td[4]")).hasSizeLessThan(700);
        assertSelfContained(html);
    }

    @Test
    void escapingKeepsOrdinaryTextAndMarksTheRest() {
        assertThat(Html.esc("plain text, caf\u00e9 \u2603")).isEqualTo("plain text, caf\u00e9 \u2603");
        assertThat(Html.esc("<a href=\"x\">'&'</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assertThat(Html.esc("\u0007\ud800x\udc00\ud83d\ude00")).isEqualTo("\\u0007\ufffdx\ufffd\ud83d\ude00");
        assertThat(Html.esc(null)).isEmpty();
        assertThat(Html.esc("a\u202eb\u2067c")).isEqualTo("a\\u202eb\\u2067c");
        assertThat(Html.cut("\ud83d\ude00\ud83d\ude00", 3)).startsWith("\ud83d\ude00\u2026");
        assertThat(Html.tick(90_000)).isEqualTo("1m30s");
        assertThat(Html.duration(Duration.ofMillis(125_000))).isEqualTo("2 m 05 s");
    }

    @Test
    void storedRunReadsTheSameAsTheStores() throws Exception {
        ReportRuns.Run run = ReportRuns.mixed(dir);
        RunRecord record;
        List<JournalEntry> journal;
        try (FileCheckpointStore cp = FileCheckpointStore.open(run.home())) {
            record = cp.findRun(run.runId()).orElseThrow();
            journal = cp.journal(run.runId());
        }
        List<DlqEntry> dlq;
        try (FileDlqStore store = FileDlqStore.open(run.home())) {
            dlq = store.list(run.runId());
        }
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        String fromParts = RunReport.of(
                        run.runId(), record, EventLogReader.open(run.home()).read(run.runId()), journal, dlq)
                .toHtml(at);
        assertThat(RunReport.load(run.home(), run.runId()).toHtml(at)).isEqualTo(fromParts);
    }

    @Test
    void journalResultsAsThePreviousVersionWroteThemFillTheItemTable() throws Exception {
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        String timedOut = "{\"item_id\":\"item-1\",\"status\":\"Timeout\",\"item_status\":\"failed\","
                + "\"output\":\"\",\"commits\":[],\"files_modified\":[],\"duration\":{\"secs\":90,\"nanos\":0},"
                + "\"worktree_path\":null,\"branch_name\":null,\"worktree_session_id\":null,"
                + "\"json_log_location\":null,\"duration_ms\":90000,\"attempts\":3,\"error\":\"took too long\","
                + "\"error_kind\":\"TIMEOUT\",\"cost_usd\":0.5}";
        List<JournalEntry> journal = List.of(
                new JournalEntry.ItemsResolved(t, 0, List.of("item-1", "item-2"), "[]"),
                new JournalEntry.ItemDispatched(t, 0, "item-1", 1),
                new JournalEntry.ItemFinished(t.plusSeconds(90), 0, "item-1", ItemStatus.FAILED, timedOut),
                new JournalEntry.ItemDispatched(t.plusSeconds(1), 0, "item-2", 1),
                new JournalEntry.ItemFinished(t.plusSeconds(2), 0, "item-2", ItemStatus.SUCCEEDED, "not json"));
        RunRecord record = new RunRecord(
                "run-old",
                "old",
                "h",
                RunStatus.COMPLETED_WITH_FAILURES,
                dir,
                null,
                t,
                t.plusSeconds(90),
                Map.of("spent_usd", "0.75"));

        Document doc = parse(
                RunReport.of("run-old", record, List.of(), journal, List.of()).toHtml(t));

        String failedRow = "//table[@class='items']/tbody/tr[1]";
        assertThat(text(doc, failedRow + "/td[@class='id']")).isEqualTo("item-1");
        assertThat(text(doc, failedRow + "/td[4]")).isEqualTo("3");
        assertThat(text(doc, failedRow + "/td[@class='dur']")).isEqualTo(Html.duration(Duration.ofSeconds(90)));
        assertThat(text(doc, failedRow + "/td[6]")).isEqualTo(Html.usd(0.5));
        assertThat(text(doc, failedRow + "/td[@class='err']")).isEqualTo("TIMEOUT took too long");
        String okRow = "//table[@class='items']/tbody/tr[2]";
        assertThat(text(doc, okRow + "/td[@class='id']")).isEqualTo("item-2");
        assertThat(text(doc, okRow + "/td/span")).isEqualTo("SUCCEEDED");
        assertThat(text(doc, okRow + "/td[4]")).isEmpty();
        assertThat(text(doc, "//div[contains(@class,'card')][div='Cost']/div[@class='v']"))
                .isEqualTo(Html.usd(0.75));
    }
}
