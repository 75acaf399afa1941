package dev.sluice.examples.streams;

import dev.sluice.client.admin.NewTopic;
import dev.sluice.streams.StreamsBuilder;
import dev.sluice.streams.Topology;
import dev.sluice.streams.kstream.Consumed;
import dev.sluice.streams.kstream.KTable;
import dev.sluice.streams.kstream.Materialized;
import dev.sluice.streams.kstream.Produced;
import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.serde.Serdes;

import java.util.List;

/**
 * Enriches page views ({@code views}, keyed by user) with the user's profile from the table
 * {@code profiles} (JSON records, latest per user): {@code enriched-views} gets the view with the
 * user's country, or "unknown" for users without a profile (a left join).
 */
public final class EnrichmentExample {
    /** A user's profile, as JSON. */
    public record Profile(String name, String country) {
    }

    /** A view joined with its user's country. */
    public record EnrichedView(String user, String page, String country) {
    }

    private static final Serde<Profile> PROFILE = Serdes.json(Profile.class);
    private static final Serde<EnrichedView> ENRICHED = Serdes.json(EnrichedView.class);

    private EnrichmentExample() {
    }

    static Topology topology() {
        StreamsBuilder builder = new StreamsBuilder();
        KTable<String, Profile> profiles = builder.table("profiles", Consumed.with(Serdes.string(), PROFILE),
                Materialized.as("profiles-by-user"));
        builder.stream("views", Consumed.with(Serdes.string(), Serdes.string()))
                .leftJoin(profiles, (page, profile) -> new EnrichedView(null, page, profile == null ? "unknown" : profile.country()))
                .map((user, v) -> dev.sluice.streams.KeyValue.pair(user, new EnrichedView(user, v.page(), v.country())))
                .to("enriched-views", Produced.with(Serdes.string(), ENRICHED));
        return builder.build();
    }

    public static void main(String[] args) throws Exception {
        ExampleRunner runner = new ExampleRunner(args);
        runner.topics(new NewTopic("profiles", 2), new NewTopic("views", 2), new NewTopic("enriched-views", 2));
        new Thread(() -> {
            WordCountExample.sleep();
            runner.feed(p -> {
                p.send("profiles", "ann", new Profile("Ann", "NL"), Serdes.string().serializer(), PROFILE.serializer());
                p.send("profiles", "bob", new Profile("Bob", "BR"), Serdes.string().serializer(), PROFILE.serializer());
                p.flush();
                WordCountExample.sleep(); // the table first, then the views
                List<String> users = List.of("ann", "bob", "cid");
                for (int i = 0; i < runner.demo; i++) {
                    p.send("views", users.get(i % users.size()), "/page/" + i, Serdes.string().serializer(), Serdes.string().serializer());
                }
            });
        }).start();
        runner.run("enrich-example", topology(), "enriched-views",
                r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8));
    }
}
