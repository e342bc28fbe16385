package org.shouhu.gateway;

/** Entry point of {@code shouhu.jar}: {@code serve}, {@code demo} or {@code import}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.err.println("usage: shouhu serve|demo|import");
    }
}
