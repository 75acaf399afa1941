import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.Arrays;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transactional producer of bench/compare-transactions.sh, run from the cached Kafka jars against
 * both brokers (compiled by the script with kafka-clients on the class path). Kafka's
 * ProducerPerformance can only bound a transaction by time ({@code --transaction-duration-ms}), not
 * by a number of records, so this is its loop with that one change.
 *
 * <pre>
 *   TxnBenchClient produce BOOTSTRAP TOPIC RECORD_SIZE RECORDS RECORDS_PER_TRANSACTION TRANSACTIONAL_ID [ABORT_EVERY]
 * </pre>
 *
 * One kafka-clients producer with {@code transactional.id} (so idempotent, acks=all), otherwise its
 * defaults; {@code initTransactions}, then transactions of RECORDS_PER_TRANSACTION records of
 * RECORD_SIZE random upper-case letters (as ProducerPerformance), no key (the sticky partitioner
 * spreads them over the topic's partitions), each ended by {@code commitTransaction}; with
 * ABORT_EVERY = n > 0 every n-th transaction is flushed and aborted instead (the records stay in the
 * log for read_committed readers to skip). The clock starts at the first {@code beginTransaction}
 * (initTransactions is not measured). Prints one line:
 * {@code records seconds records/s MB/s transactions commit-p50-ms commit-p99-ms}, where the commit
 * latency is the time {@code commitTransaction} took (the flush of the transaction's last batches,
 * EndTxn, and the coordinator writing the markers).
 */
public final class TxnBenchClient {

    public static void main(String[] args) throws Exception {
        if (!args[0].equals("produce")) {
            throw new IllegalArgumentException("unknown command " + args[0]);
        }
        produce(args[1], args[2], Integer.parseInt(args[3]), Long.parseLong(args[4]), Integer.parseInt(args[5]), args[6],
                args.length > 7 ? Integer.parseInt(args[7]) : 0);
    }

    private static void produce(String bootstrap, String topic, int recordSize, long records, int perTransaction,
                                String transactionalId, int abortEvery) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        byte[] payload = new byte[recordSize];
        Random random = new Random(0);
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('A' + random.nextInt(26));
        }
        int transactions = (int) ((records + perTransaction - 1) / perTransaction);
        long[] commitMicros = new long[transactions];
        int commits = 0;
        AtomicLong errors = new AtomicLong();
        long start;
        long end;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            start = System.nanoTime();
            long sent = 0;
            for (int t = 0; t < transactions; t++) {
                producer.beginTransaction();
                for (int i = 0; i < perTransaction && sent < records; i++, sent++) {
                    producer.send(new ProducerRecord<>(topic, payload), (metadata, e) -> {
                        if (e != null) {
                            errors.incrementAndGet();
                        }
                    });
                }
                if (abortEvery > 0 && t % abortEvery == abortEvery - 1) {
                    producer.flush();
                    producer.abortTransaction();
                    continue;
                }
                long before = System.nanoTime();
                producer.commitTransaction();
                commitMicros[commits++] = (System.nanoTime() - before) / 1000;
            }
            end = System.nanoTime();
        }
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " sends failed");
        }
        long[] sorted = Arrays.copyOf(commitMicros, commits);
        Arrays.sort(sorted);
        double seconds = (end - start) / 1e9;
        System.out.printf("%d %.3f %.1f %.2f %d %.2f %.2f%n", records, seconds, records / seconds,
                records * (double) recordSize / 1e6 / seconds, transactions, pct(sorted, 0.50), pct(sorted, 0.99));
    }

    private static double pct(long[] sortedMicros, double p) {
        return sortedMicros.length == 0 ? 0 : sortedMicros[Math.min(sortedMicros.length - 1, (int) (p * sortedMicros.length))] / 1000.0;
    }
}
