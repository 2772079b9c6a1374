package dev.ferry.agent;

import dev.ferry.pipeline.config.Options;
import dev.ferry.pipeline.record.TagPattern;

/**
 * One validated {@code [INPUT]}, {@code [FILTER]} or {@code [OUTPUT]} section: its plugin type, instance
 * name, options and typed configuration, ready to be created. Immutable.
 *
 * @param match the tags it takes (filters and outputs), or null for inputs
 */
public record PlannedPlugin(PluginType<?, ?> type, String instanceName, int index, Options options, Object config,
                            TagPattern match) {

    /** Creates the running plugin. */
    @SuppressWarnings("unchecked")
    <P> P create(ParserRegistry parsers, ServiceConfig service, boolean replay) throws Exception {
        PluginType<Object, P> t = (PluginType<Object, P>) type;
        return t.create().create(config, new PluginContext(instanceName, index, options, parsers, service, replay));
    }
}
