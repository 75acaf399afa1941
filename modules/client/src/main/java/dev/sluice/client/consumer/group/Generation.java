package dev.sluice.client.consumer.group;

/** One generation of the group as this member knows it; {@link #NONE} outside the group. */
record Generation(int generationId, String memberId, String protocolName) {
    static final Generation NONE = new Generation(-1, "", null);

    boolean isValid() {
        return generationId >= 0;
    }

    /** Keeps the member id (the coordinator still knows us) but leaves the generation. */
    Generation withoutGeneration() {
        return new Generation(-1, memberId, null);
    }
}
