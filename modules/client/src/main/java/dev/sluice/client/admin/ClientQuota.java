package dev.sluice.client.admin;

import java.util.Map;

/**
 * The quotas of one entity, as DescribeClientQuotas reports them.
 *
 * @param entity entity type ({@code user}, {@code client-id}) to name; a null name is the default
 * @param values quota key ({@code producer_byte_rate}, ...) to its value
 */
public record ClientQuota(Map<String, String> entity, Map<String, Double> values) {
}
