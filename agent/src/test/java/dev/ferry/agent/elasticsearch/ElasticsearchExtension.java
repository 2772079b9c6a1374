package dev.ferry.agent.elasticsearch;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests the one {@link ElasticsearchNode} of the test run: started by the first test class that
 * asks for it, kept in the root {@link ExtensionContext.Store} so that every IT class shares it, and
 * closed (stopped) when the whole run ends.
 *
 * <p>Use with {@code @ExtendWith(ElasticsearchExtension.class)} and a constructor or method parameter
 * of type {@link ElasticsearchNode}.
 */
public final class ElasticsearchExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ElasticsearchExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ElasticsearchNode.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // The root store is shared by all classes; getOrComputeIfAbsent is atomic on it.
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("node", key -> {
            try {
                return ElasticsearchNode.startNew();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting Elasticsearch", e);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, ElasticsearchNode.class);
    }
}
