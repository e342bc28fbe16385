package org.shouhu.gateway.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.shouhu.gateway.redis.PrivateRedis;
import org.shouhu.gateway.redis.ScratchDirectory;
import org.shouhu.gateway.redis.ServerInfo;
import org.shouhu.gateway.store.redis.RedisMessages;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.MessageStore;
import org.shouhu.routes.port.SendReceipt;
import org.shouhu.templates.TemplateKey;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.params.XTrimParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Measures what Redis spends per message on the outbox alone, for the layout {@link RedisMessages}
 * keeps, the one it kept before and the least any layout could do, each on a fresh private
 * redis-server configured as the gateway's (AOF, {@code everysec}): messages queued in batches of
 * 30, read 500 at a time by a consumer group, their receipts written 200 at a time, acknowledged per
 * read. No care logic, no rendering, no provider: the floor under any season, and what a layout saves.
 */
public final class StoreBench {

    /** One way to keep messages: how a batch is queued and how its receipts are written. */
    private interface Layout {
        void enqueue(long first, int n);

        void receipts(List<StreamEntry> entries);
    }

    /** Before: a record hash per message ({@code sh:msg:{id}}), written when queued and again at its receipt. */
    private static final String BEFORE_ENQUEUE = """
                local n = (#KEYS - 1) / 2
                for i = 0, n - 1 do
                  local a = 2 + i * 5
                  local record, list = KEYS[2 + i * 2], KEYS[3 + i * 2]
                  redis.call('HSET', record, 'to', ARGV[a + 1], 'template', ARGV[a + 2], 'params', ARGV[a + 3], 'kind', ARGV[a + 4], 'createdAt', ARGV[1])
                  redis.call('PEXPIRE', record, 10368000000)
                  redis.call('LPUSH', list, ARGV[a])
                  redis.call('XADD', KEYS[1], '*', 'id', ARGV[a], 'to', ARGV[a + 1], 'template', ARGV[a + 2], 'params', ARGV[a + 3], 'kind', ARGV[a + 4], 'createdAt', ARGV[1])
                end
                return 1""";
    private static final String BEFORE_RECEIPT = """
                for i = 1, #KEYS do
                  local a = 2 + (i - 1) * 7
                  local fields = {'text', ARGV[a], 'channel', ARGV[a + 1], 'providerId', ARGV[a + 2], 'attempts', ARGV[a + 5], 'updatedAt', ARGV[1]}
                  if tonumber(ARGV[a + 4]) > tonumber(redis.call('HGET', KEYS[i], 'rank') or '0') then
                    table.insert(fields, 'status'); table.insert(fields, ARGV[a + 3])
                    table.insert(fields, 'rank'); table.insert(fields, ARGV[a + 4])
                  end
                  redis.call('HSET', KEYS[i], unpack(fields))
                end
                return 1""";
    /** The least any layout can do: the stream entry; at the receipt the record as one field of a hash; no list by recipient. */
    private static final String LEAST_ENQUEUE = """
                local n = (#KEYS - 1) / 2
                for i = 0, n - 1 do
                  local a = 2 + i * 5
                  redis.call('XADD', KEYS[1], '*', 'id', ARGV[a], 'to', ARGV[a + 1], 'template', ARGV[a + 2], 'params', ARGV[a + 3], 'kind', ARGV[a + 4], 'createdAt', ARGV[1])
                end
                return 1""";
    private static final String LEAST_RECEIPT = """
            local last
            for i = 1, #KEYS do
              local a = 2 + (i - 1) * 7
              redis.call('HSET', KEYS[i], ARGV[a + 6], ARGV[a] .. '|' .. ARGV[a + 1] .. '|' .. ARGV[a + 2] .. '|' .. ARGV[a + 3]
                .. '|' .. ARGV[a + 4] .. '|' .. ARGV[a + 5] .. '|' .. ARGV[1]
                .. '|+8613900000000|ARRIVAL|{"child":"王小明","site":"永丰小学","time":"08:05"}|ROUTINE')
              if KEYS[i] ~= last then redis.call('PEXPIRE', KEYS[i], 10368000000); last = KEYS[i] end
            end
            return 1""";

    private static final int QUEUE_BATCH = 30;
    private static final int READ_BATCH = 500;
    private static final int RECEIPT_BATCH = 200;
    private static final int RECIPIENTS = 20_000;
    private static final Map<String, String> VALUES = Map.of("child", "王小明", "site", "永丰小学", "time", "08:05");
    private static final String PARAMS = "{\"child\":\"王小明\",\"site\":\"永丰小学\",\"time\":\"08:05\"}";
    private static final String TEXT = "【守护托管】王小明08:05已到永丰小学托管点。今天防溺水课：不私自下水。有事请联系站长，回4查状态";
    private static final List<String> LAYOUTS = List.of("before", "now", "least");

    private StoreBench() {
    }

    /** {@code bench-store [messages] [rounds]}: each layout in turn, a fresh private Redis for each run. */
    public static int run(String[] args, PrintStream out) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        out.printf("%d messages a run: Redis CPU (main thread; its AOF rewrites apart) and JVM CPU per message, wall, Redis memory per message%n",
                messages);
        out.println("| round | layout | Redis µs/msg | AOF rewrites µs/msg | JVM µs/msg | wall s | bytes/msg |");
        out.println("|---|---|---|---|---|---|---|");
        for (int round = 1; round <= rounds; round++) {
            for (String layout : LAYOUTS) {
                out.println(runOnce(layout, messages, round));
            }
        }
        return 0;
    }

    private static String runOnce(String name, int messages, int round) throws Exception {
        try (ScratchDirectory dir = ScratchDirectory.create("shouhu-store-bench");
             PrivateRedis server = PrivateRedis.startOwned(dir.path(), 0);
             UnifiedJedis redis = server.connect(2)) {
            redis.xgroupCreate("sh:outbox", "senders", new StreamEntryID(0), true);
            redis.xgroupCreate(CURRENT_STREAM, "senders", new StreamEntryID(0), true);
            String stream = "now".equals(name) ? CURRENT_STREAM : "sh:outbox";
            Layout layout = switch (name) {
                case "before" -> scripted(redis, BEFORE_ENQUEUE, BEFORE_RECEIPT, id -> "sh:msg:m" + id);
                case "least" -> scripted(redis, LEAST_ENQUEUE, LEAST_RECEIPT, id -> "sh:msgs:" + id / 1000);
                default -> current(new RedisMessages(redis, Clock.systemUTC()));
            };
            double redisBefore = ServerInfo.cpuSeconds(redis, ""), jvmBefore = jvmCpu();
            long start = System.nanoTime();
            long next = 1;
            while (next <= messages) {
                for (int b = 0; b < READ_BATCH / QUEUE_BATCH && next <= messages; b++) {
                    int n = (int) Math.min(QUEUE_BATCH, messages - next + 1);
                    layout.enqueue(next, n);
                    next += n;
                }
                drain(redis, stream, layout);
            }
            double wall = (System.nanoTime() - start) / 1e9;
            double redisCpu = ServerInfo.cpuSeconds(redis, "") - redisBefore;
            double rewrites = ServerInfo.cpuSeconds(redis, "_children");
            double jvm = jvmCpu() - jvmBefore;
            long memory = ServerInfo.number(redis, "memory", "used_memory");
            return String.format("| %d | %s | %.1f | %.1f | %.1f | %.1f | %d |", round, name,
                    redisCpu * 1e6 / messages, rewrites * 1e6 / messages, jvm * 1e6 / messages, wall, memory / messages);
        }
    }

    private static String recipient(long i) {
        return String.format("+86139%08d", i % RECIPIENTS);
    }

    /** The layout as {@link RedisMessages} keeps it: its own enqueue and receipts. */
    private static Layout current(RedisMessages store) {
        return new Layout() {
            long recipient;

            @Override
            public void enqueue(long first, int n) {
                List<OutboundMessage> batch = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    batch.add(OutboundMessage.of(new Address(recipient(recipient++)), TemplateKey.ARRIVAL, VALUES,
                            MessageClass.ROUTINE));
                }
                store.enqueue(batch);
            }

            @Override
            public void receipts(List<StreamEntry> entries) {
                List<MessageStore.Sent> sent = new ArrayList<>(entries.size());
                for (StreamEntry e : entries) {
                    StoredMessage m = RedisMessages.entry(e.getFields(), false).message();
                    sent.add(new MessageStore.Sent(m, "sms", TEXT, new SendReceipt("SM" + m.id(), DeliveryStatus.QUEUED), 1));
                }
                store.recordSent(sent);
            }
        };
    }

    /** A layout written by the two scripts given, with the record kept under {@code recordKey}. */
    private static Layout scripted(UnifiedJedis redis, String enqueue, String receipt,
                                   java.util.function.LongFunction<String> recordKey) {
        return new Layout() {
            @Override
            public void enqueue(long first, int n) {
                List<String> keys = new ArrayList<>(1 + 2 * n);
                List<String> args = new ArrayList<>(1 + 5 * n);
                keys.add("sh:outbox");
                args.add(Instant.now().toString());
                for (long id = first; id < first + n; id++) {
                    keys.add(recordKey.apply(id));
                    keys.add("sh:to:" + recipient(id));
                    args.addAll(List.of("m" + id, recipient(id), "ARRIVAL", PARAMS, "ROUTINE"));
                }
                redis.eval(enqueue, keys, args);
            }

            @Override
            public void receipts(List<StreamEntry> entries) {
                List<String> keys = new ArrayList<>(entries.size());
                List<String> args = new ArrayList<>(1 + 7 * entries.size());
                args.add(Instant.now().toString());
                for (StreamEntry e : entries) {
                    String id = e.getFields().get("id");
                    keys.add(recordKey.apply(Long.parseLong(id.substring(1))));
                    args.addAll(List.of(TEXT, "sms", "SM" + id, "queued", "1", "1", id));
                }
                redis.eval(receipt, keys, args);
            }
        };
    }

    /** The lane {@link RedisMessages} queues the benchmark's arrival confirmations on. */
    private static final String CURRENT_STREAM = "sh:out:sms:confirm";

    private static void drain(UnifiedJedis redis, String stream, Layout layout) {
        while (true) {
            List<Map.Entry<String, List<StreamEntry>>> read = redis.xreadGroup("senders", "bench",
                    XReadGroupParams.xReadGroupParams().count(READ_BATCH),
                    Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            if (read == null || read.isEmpty() || read.get(0).getValue().isEmpty()) {
                return;
            }
            List<StreamEntry> entries = read.get(0).getValue();
            for (int from = 0; from < entries.size(); from += RECEIPT_BATCH) {
                layout.receipts(entries.subList(from, Math.min(entries.size(), from + RECEIPT_BATCH)));
            }
            StreamEntryID[] ids = entries.stream().map(StreamEntry::getID).toArray(StreamEntryID[]::new);
            redis.xack(stream, "senders", ids);
            StreamEntryID last = ids[ids.length - 1];
            redis.xtrim(stream, XTrimParams.xTrimParams().minId(
                    new StreamEntryID(last.getTime(), last.getSequence() + 1).toString()));
        }
    }

    private static double jvmCpu() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : Double.NaN;
    }
}
