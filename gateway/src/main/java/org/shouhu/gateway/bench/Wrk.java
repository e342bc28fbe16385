package org.shouhu.gateway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The closed-loop load for every throughput row: Debian's {@code wrk} as a second process, one
 * thread and a fixed number of connections, optionally replaying a file of prepared requests (one
 * per line, each once: the signed webhooks with unique MessageSids).
 */
final class Wrk {

    /** What one run gave: requests answered per second, how many, how many were not 2xx/3xx, and latency percentiles in ms. */
    record Result(double rps, long requests, long non2xx, double p50Ms, double p99Ms) {
    }

    /** Replays lines of {@code body<TAB>signature} as POSTs to {@code path}, each once. */
    private static final String REPLAY = """
            local reqs, i = {}, 0
            function init(args)
              for line in io.lines(args[1]) do
                local tab = line:find("\\t")
                reqs[#reqs + 1] = wrk.format("POST", args[2], {
                  ["Content-Type"] = "application/x-www-form-urlencoded",
                  ["X-Twilio-Signature"] = line:sub(tab + 1)}, line:sub(1, tab - 1))
              end
            end
            function request()
              i = i + 1
              return reqs[(i - 1) % #reqs + 1]
            end
            """;

    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
    private static final Pattern NON2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern PCT_PLAIN = Pattern.compile("\\s+(50|99)%\\s+([0-9.]+)(us|ms|s)");

    private Wrk() {
    }

    /** GETs {@code url} with {@code connections} connections for {@code seconds}. */
    static Result get(Path dir, String url, int connections, int seconds) throws IOException, InterruptedException {
        return run(dir, List.of(url), connections, seconds);
    }

    /** POSTs each line of {@code requests} once to {@code path} of {@code baseUrl}. */
    static Result replay(Path dir, String baseUrl, String path, Path requests, int connections, int seconds)
            throws IOException, InterruptedException {
        Path script = dir.resolve("replay.lua");
        Files.writeString(script, REPLAY);
        return run(dir, List.of("-s", script.toString(), baseUrl + path, "--", requests.toString(), path), connections, seconds);
    }

    private static Result run(Path dir, List<String> target, int connections, int seconds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--latency"));
        cmd.addAll(target);
        Path out = Files.createTempFile(dir, "wrk", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("wrk did not finish: " + cmd);
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Matcher rps = RPS.matcher(text);
        if (p.exitValue() != 0 || !rps.find()) {
            throw new IOException("wrk failed (" + p.exitValue() + "): " + text);
        }
        Matcher total = TOTAL.matcher(text);
        Matcher non = NON2XX.matcher(text);
        double p50 = Double.NaN, p99 = Double.NaN;
        Matcher pct = PCT_PLAIN.matcher(text);
        while (pct.find()) {
            double ms = Double.parseDouble(pct.group(2)) * switch (pct.group(3)) {
                case "us" -> 0.001;
                case "s" -> 1000.0;
                default -> 1.0;
            };
            if (pct.group(1).equals("50")) {
                p50 = ms;
            } else {
                p99 = ms;
            }
        }
        return new Result(Double.parseDouble(rps.group(1)), total.find() ? Long.parseLong(total.group(1)) : 0,
                non.find() ? Long.parseLong(non.group(1)) : 0, p50, p99);
    }
}
