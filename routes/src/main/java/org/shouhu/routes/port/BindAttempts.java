package org.shouhu.routes.port;

import java.time.Duration;

/**
 * Invite-code guesses from chat accounts, limited per account and city-wide: a try is taken (the
 * lock and the pause checked, the try counted) in one atomic step, so guesses sent at once from
 * one account cannot get past the lock.
 */
public interface BindAttempts {

    /** What happened to a try. */
    enum Verdict {
        /** The try is counted: the code may be looked up. */
        ALLOWED,
        /** The account is locked (or this try was past its limit, and locked it). */
        LOCKED,
        /** Binding is paused city-wide. */
        PAUSED
    }

    /** A try: its verdict and, when allowed, how many tries the account has used in the window (this one included). */
    record Try(Verdict verdict, long used) {
    }

    /**
     * Takes one try for the account: LOCKED while its lock holds or once {@code limit} tries were
     * taken in the window (then it locks for {@code window}), PAUSED while binding is paused, else
     * ALLOWED and counted.
     */
    Try take(String account, int limit, Duration window);

    /** The account's try found a right code: it does not count against the account. */
    void giveBack(String account, Duration window);

    /**
     * The account's try was a wrong code: locks the account for {@code window} when {@code used}
     * reached {@code limit}, counts the wrong code city-wide, and pauses binding for {@code window}
     * at {@code cityLimit}; true only for the one call that started the pause.
     */
    boolean wrong(String account, long used, int limit, int cityLimit, Duration window);

    /** True once per pause for each phone, across nodes: whether to tell this coordinator that binding paused. */
    boolean firstPauseNotice(String phone, Duration window);
}
