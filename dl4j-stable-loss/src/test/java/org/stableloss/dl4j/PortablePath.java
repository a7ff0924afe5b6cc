package org.stableloss.dl4j;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class on the portable ND4J path (the one CUDA runs) by switching the CPU fast path off
 * ({@value FastPath#PROPERTY}=false) for the class, and restores the property afterwards. Use as
 * {@code @ExtendWith(PortablePath.class) class XPortableTest extends XTest {}}.
 */
public final class PortablePath implements BeforeAllCallback, AfterAllCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PortablePath.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NS).put("saved", String.valueOf(System.getProperty(FastPath.PROPERTY)));
        System.setProperty(FastPath.PROPERTY, "false");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        String saved = context.getStore(NS).get("saved", String.class);
        if (saved == null || saved.equals("null")) {
            System.clearProperty(FastPath.PROPERTY);
        } else {
            System.setProperty(FastPath.PROPERTY, saved);
        }
    }
}
