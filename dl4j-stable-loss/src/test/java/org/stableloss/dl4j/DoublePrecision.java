package org.stableloss.dl4j;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sets ND4J's default dtypes to DOUBLE for each test (finite-difference gradient checks need it) and restores the
 * previous defaults afterwards. Use as {@code @ExtendWith(DoublePrecision.class)}.
 */
public final class DoublePrecision implements BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(DoublePrecision.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("types", new DataType[] {Nd4j.dataType(), Nd4j.defaultFloatingPointType()});
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        DataType[] types = context.getStore(NS).get("types", DataType[].class);
        Nd4j.setDefaultDataTypes(types[0], types[1]);
    }
}
