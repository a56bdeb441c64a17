package org.dftp.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.dftp.core.DfsPath;
import org.dftp.core.tree.Change;
import org.dftp.core.tree.Offer;

/**
 * The tree of issue 2's figures: 1,000 directories of 500 files each (500,000 files, 501,000 entries
 * with the directories), named like a camera dump: {@code dir0042/img000123.jpg}.
 */
public final class TreeData {
    public static final int DIRS = 1_000;
    public static final int FILES_PER_DIR = 500;
    public static final int ENTRIES = DIRS + DIRS * FILES_PER_DIR;
    public static final long T0 = 1_795_512_651L;

    private TreeData() {
    }

    /**
     * One owner's full listing as a batch of changes.
     *
     * @param shuffled false: in path order, as a local scan sorted by directory gives it; true: in
     *        random order, as the original's full updates come (Go map iteration order)
     */
    public static List<Change> batch(String owner, long infoUpdated, boolean shuffled) {
        List<Change> out = new ArrayList<>(ENTRIES);
        int fileNo = 0;
        for (int d = 0; d < DIRS; d++) {
            DfsPath dir = DfsPath.ROOT.child(String.format("dir%04d", d));
            out.add(Change.offer(dir, Offer.of(owner, Offer.MODE_DIR | 0755, 0, T0 - 3600, infoUpdated)));
            for (int f = 0; f < FILES_PER_DIR; f++, fileNo++) {
                DfsPath file = dir.child(String.format("img%06d.jpg", fileNo));
                out.add(Change.offer(file, Offer.of(owner, 0644, 1000L + fileNo, T0 - fileNo, infoUpdated)));
            }
        }
        if (shuffled) {
            Collections.shuffle(out, new Random(42));
        }
        return out;
    }
}
