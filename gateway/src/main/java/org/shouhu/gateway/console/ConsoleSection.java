package org.shouhu.gateway.console;

import org.shouhu.gateway.http.HttpReply;

/** The pages under one first path segment of the console ({@code sites}, {@code counties}…). */
@FunctionalInterface
public interface ConsoleSection {

    /** Answers a request the viewer is logged in for; what the viewer may not see is a {@link Refusal}. */
    HttpReply handle(ConsoleRequest request) throws Exception;
}
