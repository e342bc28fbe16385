package org.shouhu.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Debian's chromium, chromium-driver and a Chinese font for the browser tests, installed with apt-get when missing. */
public final class ChromiumPackages {

    private static final Logger LOG = LoggerFactory.getLogger(ChromiumPackages.class);

    /** Debian's launcher script (it sets the library path and reads /etc/chromium.d). */
    public static final Path BROWSER = Path.of("/usr/bin/chromium");
    /** chromedriver of the same build: Debian keeps the two packages at one version. */
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /**
     * A fresh Debian has no CJK font, and the console's Chinese then shows as empty boxes in every
     * screenshot. WenQuanYi Micro Hei: 5 MB, from Droid Sans Fallback (older Android phones' Chinese font);
     * Noto Sans CJK would be 91 MB.
     */
    public static final String FONT_PACKAGE = "fonts-wqy-microhei";
    private static final Path FONT = Path.of("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc");

    private ChromiumPackages() {
    }

    /**
     * Installs chromium, chromium-driver and the font with apt-get if any is missing, as PrivateRedis does
     * for redis-server: a fresh machine (CI runs as root) then needs no step of its own before the tests.
     */
    public static synchronized void ensureInstalled() {
        if (present()) {
            return;
        }
        LOG.info("chromium, chromedriver or the Chinese font is missing: installing them with apt-get");
        try {
            run(List.of("apt-get", "update", "-qq"));
            run(List.of("apt-get", "install", "-y", "-qq", "chromium", "chromium-driver", FONT_PACKAGE));
        } catch (IOException e) {
            throw new UncheckedIOException("the browser tests need chromium, chromium-driver and a Chinese font, "
                    + "and apt-get could not install them; install them (apt-get install chromium chromium-driver " + FONT_PACKAGE + ")", e);
        }
        if (!present()) {
            throw new IllegalStateException("apt-get installed chromium, chromium-driver and " + FONT_PACKAGE + ", yet "
                    + BROWSER + ", " + DRIVER + " or " + FONT + " is still missing");
        }
    }

    private static boolean present() {
        return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER) && Files.isRegularFile(FONT);
    }

    private static void run(List<String> cmd) throws IOException {
        try {
            ProcessBuilder builder = new ProcessBuilder(cmd).inheritIO();
            builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = builder.start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " took over 10 minutes");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed with exit code " + p.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
    }
}
