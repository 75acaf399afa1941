package dev.sluice.broker.config;

import java.util.List;

/** Collects configuration problems in the one wording every check uses. Not thread-safe: one parse. */
record Problems(List<String> list) {

    void problem(String key, String value, String accepted) {
        list.add(key + ": '" + value + "' is invalid; expected " + accepted);
    }

    void problem(String message) {
        list.add(message);
    }
}
