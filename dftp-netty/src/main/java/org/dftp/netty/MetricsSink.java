package org.dftp.netty;

/**
 * Where a host's own metrics system takes dftp's figures from, for an embedded server that has no
 * {@code /metrics} of its own to offer (or whose host exports everything one way): an adapter to
 * Micrometer, a Prometheus client, JMX... {@link NodeMetrics#report(MetricsSink)} calls it once per figure,
 * with the names, help texts and labels of the management port's {@code /metrics}, each time the host
 * collects. Calls come one family after the other, on the collecting thread; nothing is kept between two.
 */
public interface MetricsSink {
    /**
     * A count that only grows (a Prometheus counter; its name ends in {@code _total}).
     *
     * @param name the family's name, e.g. {@code dftp_http_responses_total}
     * @param help what it counts, one sentence
     * @param value the count so far
     * @param labels name, value, name, value...: e.g. {@code "code", "200"}; none for a family of one sample
     */
    void counter(String name, String help, long value, String... labels);

    /**
     * A figure that goes up and down (a Prometheus gauge).
     *
     * @param name the family's name, e.g. {@code dftp_unwatched_directories}
     * @param help what it measures, one sentence
     * @param value its value now
     * @param labels name, value, name, value...; none for a family of one sample
     */
    void gauge(String name, String help, double value, String... labels);
}
