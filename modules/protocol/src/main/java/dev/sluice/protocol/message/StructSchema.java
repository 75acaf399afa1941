package dev.sluice.protocol.message;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of a message or of one of its nested structs, with per-version field plans computed
 * once at load time: which fields are on the wire in a version (in order), which are tagged (by
 * ascending tag), and which are absent. Reading and writing walk these arrays; no name lookups.
 */
public final class StructSchema {
    private static final Field[] NO_FIELDS = new Field[0];

    private final String name;
    private Field[] fields = NO_FIELDS;
    private final Map<String, Field> byName = new HashMap<>();
    private Versions flexibleVersions = Versions.NONE;
    private Field[][] regular;
    private Field[][] tagged;
    private Field[][] absent;

    StructSchema(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** All fields of every version, in wire order. */
    public List<Field> fields() {
        return List.of(fields);
    }

    /** The field named {@code name}, in schema ({@code TopicId}) or camel ({@code topicId}) case. */
    public Field field(String name) {
        Field f = byName.get(name);
        if (f == null) {
            throw new IllegalArgumentException(this.name + " has no field '" + name + "'");
        }
        return f;
    }

    public boolean hasField(String name) {
        return byName.containsKey(name);
    }

    public Struct newStruct() {
        return new Struct(this);
    }

    /** Whether {@code version} uses compact encodings and tagged-field sections. */
    public boolean flexibleIn(short version) {
        return flexibleVersions.contains(version);
    }

    /** Non-tagged fields on the wire in {@code version}, in order. */
    public Field[] regularFields(short version) {
        return plan(regular, version);
    }

    /** Tagged fields allowed in {@code version}, by ascending tag. */
    public Field[] taggedFields(short version) {
        return plan(tagged, version);
    }

    /** Fields not on the wire in {@code version}: written only if they hold their default. */
    public Field[] absentFields(short version) {
        return plan(absent, version);
    }

    private static Field[] plan(Field[][] plans, short version) {
        return version >= 0 && version < plans.length ? plans[version] : NO_FIELDS;
    }

    void setFields(List<Field> list) {
        this.fields = list.toArray(NO_FIELDS);
        for (Field f : fields) {
            byName.put(f.name(), f);
            byName.put(f.camelName(), f);
        }
    }

    Field[] fieldArray() {
        return fields;
    }

    /** Computes the per-version plans for versions 0..{@code highest}. */
    void finish(short highest, Versions flexibleVersions) {
        this.flexibleVersions = flexibleVersions;
        int n = highest + 1;
        regular = new Field[n][];
        tagged = new Field[n][];
        absent = new Field[n][];
        for (short v = 0; v < n; v++) {
            List<Field> r = new ArrayList<>();
            List<Field> t = new ArrayList<>();
            List<Field> a = new ArrayList<>();
            boolean flexible = flexibleVersions.contains(v);
            for (Field f : fields) {
                if (!f.presentIn(v) || (f.isTagged() && !flexible)) {
                    a.add(f);
                } else if (f.isTagged()) {
                    t.add(f);
                } else {
                    r.add(f);
                }
            }
            t.sort(Comparator.comparingInt(Field::tag));
            regular[v] = r.toArray(NO_FIELDS);
            tagged[v] = t.toArray(NO_FIELDS);
            absent[v] = a.toArray(NO_FIELDS);
        }
    }

    boolean finished() {
        return regular != null;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(fields);
    }
}
