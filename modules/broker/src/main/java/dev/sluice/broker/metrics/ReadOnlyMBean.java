package dev.sluice.broker.metrics;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;

/**
 * An MBean whose attributes are only read, each computed when asked: what every Sluice metric bean
 * is. Subclasses say which attributes there are and how each is read; writes and operations are refused.
 *
 * <p>Threads: JMX connector / platform threads; {@link #getAttribute} must be thread-safe.
 */
abstract class ReadOnlyMBean implements DynamicMBean {
    private final MBeanInfo info;

    ReadOnlyMBean(String description, MBeanAttributeInfo[] attributes) {
        this.info = new MBeanInfo(getClass().getName(), description, attributes, null, null, null);
    }

    /** A readable attribute's description. */
    static MBeanAttributeInfo readable(String name, String type, String description) {
        return new MBeanAttributeInfo(name, type, description, true, false, false);
    }

    @Override
    public abstract Object getAttribute(String attribute) throws AttributeNotFoundException;

    @Override
    public final AttributeList getAttributes(String[] attributes) {
        AttributeList list = new AttributeList();
        for (String a : attributes) {
            try {
                list.add(new Attribute(a, getAttribute(a)));
            } catch (AttributeNotFoundException | RuntimeException ignored) {
                // JMX leaves unreadable attributes out of the list
            }
        }
        return list;
    }

    @Override
    public final void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("read-only: " + attribute.getName());
    }

    @Override
    public final AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public final Object invoke(String actionName, Object[] params, String[] signature) {
        throw new UnsupportedOperationException(actionName);
    }

    @Override
    public final MBeanInfo getMBeanInfo() {
        return info;
    }
}
