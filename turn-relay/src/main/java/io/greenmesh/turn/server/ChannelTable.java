package io.greenmesh.turn.server;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * An allocation's channel numbers (0x4000–0x7FFF, RFC 5766's range, which libwebrtc uses) to their bindings, read
 * lock-free on every ChannelData packet. Sixty-four pages of 256 slots, a page made on its first binding: an
 * allocation with a channel or two holds about 1.3 KB here, where one flat table of all 16,384 numbers took 64 KB —
 * nearly all of an idle allocation's heap. Writers hold the allocation's lock.
 */
final class ChannelTable {
    private static final int FIRST = 0x4000;
    private static final int LAST = 0x7FFF;
    private static final int PAGE_BITS = 8;
    private static final int PAGE_MASK = (1 << PAGE_BITS) - 1;

    private final AtomicReferenceArray<AtomicReferenceArray<ChannelBinding>> pages =
            new AtomicReferenceArray<>((LAST - FIRST + 1) >> PAGE_BITS);

    static boolean valid(int number) {
        return number >= FIRST && number <= LAST;
    }

    /** The binding of {@code number} (a valid channel number), or null. */
    ChannelBinding get(int number) {
        int i = number - FIRST;
        AtomicReferenceArray<ChannelBinding> page = pages.get(i >>> PAGE_BITS);
        return page == null ? null : page.get(i & PAGE_MASK);
    }

    void set(int number, ChannelBinding binding) {
        int i = number - FIRST;
        AtomicReferenceArray<ChannelBinding> page = pages.get(i >>> PAGE_BITS);
        if (page == null) {
            page = new AtomicReferenceArray<>(PAGE_MASK + 1);
            pages.set(i >>> PAGE_BITS, page);
        }
        page.set(i & PAGE_MASK, binding);
    }

    /** Clears {@code number} if it still holds {@code expected}. */
    void remove(int number, ChannelBinding expected) {
        int i = number - FIRST;
        AtomicReferenceArray<ChannelBinding> page = pages.get(i >>> PAGE_BITS);
        if (page != null) {
            page.compareAndSet(i & PAGE_MASK, expected, null);
        }
    }
}
