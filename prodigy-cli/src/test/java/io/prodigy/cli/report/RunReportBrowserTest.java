package io.prodigy.cli.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renders reports of real runs in a real headless browser (Debian's chromium) when one is installed. */
class RunReportBrowserTest {
    private static final int OK_RGB = 0x2f9e44;
    private static final int DLQ_RGB = 0x862e9c;
    private static final int RETRIED_RGB = 0xf08c00;

    @TempDir
    Path dir;

    private static Path chromium() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            Path p = Path.of(candidate);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private Path screenshot(Path browser, Path page, String name) throws Exception {
        Path profile = Files.createDirectories(dir.resolve("profile-" + name));
        Path shot = dir.resolve(name + ".png");
        Process p = new ProcessBuilder(
                        browser.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--hide-scrollbars",
                        "--user-data-dir=" + profile,
                        "--screenshot=" + shot,
                        "--window-size=1400,1000",
                        page.toUri().toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        assertThat(shot)
                .as(
                        "screenshot; chromium said: %s",
                        Files.readString(dir.resolve(name + ".log"), StandardCharsets.UTF_8))
                .exists();
        return shot;
    }

    private static Set<Integer> colours(File png) throws Exception {
        BufferedImage img = ImageIO.read(png);
        assertThat(img.getWidth()).isEqualTo(1400);
        assertThat(img.getHeight()).isEqualTo(1000);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 1) {
            for (int x = 0; x < img.getWidth(); x += 1) {
                colours.add(img.getRGB(x, y) & 0xffffff);
            }
        }
        return colours;
    }

    @Test
    void chromiumRendersTheTimelineOfARealRun() throws Exception {
        Path browser = chromium();
        assumeTrue(browser != null, "no chromium installed");
        ReportRuns.Run run = ReportRuns.mixed(dir);
        Path page = dir.resolve("report.html");
        RunReport.writeHtml(run.home(), run.runId(), page);
        Path shot = screenshot(browser, page, "mixed");
        assertThat(Files.size(shot)).isGreaterThan(20_000);
        Set<Integer> colours = colours(shot.toFile());
        assertThat(colours.size()).isGreaterThan(200);
        // the SVG bars were painted: success, dead-lettered and retried attempts in their colours
        assertThat(colours).contains(OK_RGB, DLQ_RGB, RETRIED_RGB);
        Path kept = Files.createDirectories(RunReportTest.keptDirectory()).resolve("mixed.png");
        Files.copy(shot, kept, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void chromiumRendersAThousandItemReport() throws Exception {
        Path browser = chromium();
        assumeTrue(browser != null, "no chromium installed");
        ReportRuns.Run run = ReportRuns.thousand(dir);
        Path page = dir.resolve("thousand.html");
        RunReport.writeHtml(run.home(), run.runId(), page);
        Path shot = screenshot(browser, page, "thousand");
        Set<Integer> colours = colours(shot.toFile());
        assertThat(colours.size()).isGreaterThan(100);
        assertThat(colours).contains(OK_RGB);
        Files.copy(
                shot,
                Files.createDirectories(RunReportTest.keptDirectory()).resolve("thousand.png"),
                StandardCopyOption.REPLACE_EXISTING);
    }
}
