package dev.sluice.compat.tools;

import org.apache.kafka.common.utils.Exit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;

/**
 * Runs one of Kafka's command-line tools in this JVM as its script would ({@code main}), with
 * standard output and error captured and {@code Exit.exit} turned into a returned code. Tests of
 * this module run one at a time (they swap {@code System.out}).
 */
final class KafkaTool {
    record Result(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private static final class Exited extends RuntimeException {
        final int code;

        Exited(int code) {
            super(null, null, false, false);
            this.code = code;
        }
    }

    private KafkaTool() {
    }

    static synchronized Result run(String mainClass, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        int code = 0;
        Exit.setExitProcedure((status, message) -> {
            throw new Exited(status);
        });
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            Class.forName(mainClass).getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exited exited) {
                code = exited.code;
            } else {
                throw e;
            }
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
            Exit.resetExitProcedure();
        }
        Result result = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        originalOut.println("$ " + mainClass + " " + String.join(" ", args) + "\n" + result.all() + "(exit " + code + ")");
        return result;
    }
}
