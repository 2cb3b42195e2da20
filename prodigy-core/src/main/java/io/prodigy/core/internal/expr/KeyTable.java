package io.prodigy.core.internal.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * The sort keys of many items, looked up once and held as primitive columns, then sorted stably by row index.
 *
 * <p>Items are large trees and sorting them is bound by memory latency: comparing two items through their
 * {@code JsonNode}s costs several cache misses. Here a comparison reads a few adjacent array cells, and the big arrays
 * cost the garbage collector nothing per item. Cell {@code row * width + k} holds key {@code k} of row {@code row}.
 */
final class KeyTable {
    private static final int CHUNK = 8_192;
    private static final int SEQUENTIAL_SORT = 16_384;
    private static final int INSERTION_SORT = 24;

    private final SortSpec.Key[] keys;
    private final int width;
    private int size;
    private final JsonNode[] items;
    /** {@link JsonValues#typeRank} per cell; 0 for null and missing. */
    private final int[] ranks;
    /** A boolean as 0/1, a number exact as a double, a container's size. */
    private final double[] numbers;
    /** A string's text, or the node of a number not exact as a double; allocated when first needed. */
    private Object[] exacts;

    private KeyTable(SortSpec.Key[] keys, int capacity) {
        this.keys = keys;
        this.width = keys.length;
        this.items = new JsonNode[capacity];
        this.ranks = new int[capacity * width];
        this.numbers = new double[capacity * width];
    }

    /**
     * Looks up the keys of the items that {@code keep} accepts, in input order; in parallel on the common fork-join
     * pool when asked.
     *
     * @param keep the filter, or {@code null} to keep every item
     */
    static KeyTable collect(SortSpec.Key[] keys, List<JsonNode> items, Predicate<JsonNode> keep, boolean parallel) {
        List<JsonNode> list = items instanceof RandomAccess ? items : new ArrayList<>(items);
        int n = list.size();
        if (!parallel || n <= CHUNK) {
            KeyTable table = new KeyTable(keys, n);
            table.addAll(list, 0, n, keep);
            return table;
        }
        KeyTable[] parts = new KeyTable[(n + CHUNK - 1) / CHUNK];
        IntStream.range(0, parts.length).parallel().forEach(c -> {
            int from = c * CHUNK;
            int to = Math.min(n, from + CHUNK);
            KeyTable part = new KeyTable(keys, to - from);
            part.addAll(list, from, to, keep);
            parts[c] = part;
        });
        return concat(keys, parts);
    }

    private void addAll(List<JsonNode> list, int from, int to, Predicate<JsonNode> keep) {
        for (int i = from; i < to; i++) {
            JsonNode item = list.get(i);
            if (item == null) {
                throw new NullPointerException("item " + i + " is null");
            }
            if (keep == null || keep.test(item)) {
                add(item);
            }
        }
    }

    private void add(JsonNode item) {
        int row = size++;
        items[row] = item;
        for (int k = 0; k < width; k++) {
            set(row * width + k, keys[k].path().onItem(item));
        }
    }

    private void set(int cell, JsonNode value) {
        int rank = JsonValues.typeRank(value);
        ranks[cell] = rank;
        switch (rank) {
            case 1:
                numbers[cell] = value.booleanValue() ? 1 : 0;
                break;
            case 2:
                if (JsonValues.isDoubleExact(value)) {
                    numbers[cell] = value.doubleValue();
                } else {
                    exacts()[cell] = value;
                }
                break;
            case 3:
                exacts()[cell] = value.textValue();
                break;
            case 4:
            case 5:
                numbers[cell] = value.size();
                break;
            default:
                break;
        }
    }

    private Object[] exacts() {
        if (exacts == null) {
            exacts = new Object[ranks.length];
        }
        return exacts;
    }

    private static KeyTable concat(SortSpec.Key[] keys, KeyTable[] parts) {
        int total = 0;
        boolean anyExact = false;
        for (KeyTable part : parts) {
            total += part.size;
            anyExact |= part.exacts != null;
        }
        KeyTable table = new KeyTable(keys, total);
        if (anyExact) {
            table.exacts();
        }
        int width = keys.length;
        for (KeyTable part : parts) {
            System.arraycopy(part.items, 0, table.items, table.size, part.size);
            System.arraycopy(part.ranks, 0, table.ranks, table.size * width, part.size * width);
            System.arraycopy(part.numbers, 0, table.numbers, table.size * width, part.size * width);
            if (part.exacts != null) {
                System.arraycopy(part.exacts, 0, table.exacts, table.size * width, part.size * width);
            }
            table.size += part.size;
        }
        return table;
    }

    /** @return the items sorted stably by the keys; in parallel on the common fork-join pool when asked */
    List<JsonNode> sorted(boolean parallel) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        int[] scratch = new int[size];
        if (parallel && size > SEQUENTIAL_SORT) {
            ForkJoinPool.commonPool().invoke(new ParallelSort(order, scratch, 0, size));
        } else {
            sort(order, scratch, 0, size);
        }
        List<JsonNode> result = new ArrayList<>(size);
        for (int row : order) {
            result.add(items[row]);
        }
        return result;
    }

    /** Stable merge sort of {@code order[from, to)}, using the same range of {@code scratch}. */
    private void sort(int[] order, int[] scratch, int from, int to) {
        if (to - from <= INSERTION_SORT) {
            for (int i = from + 1; i < to; i++) {
                int row = order[i];
                int j = i;
                while (j > from && compareRows(order[j - 1], row) > 0) {
                    order[j] = order[j - 1];
                    j--;
                }
                order[j] = row;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        sort(order, scratch, from, mid);
        sort(order, scratch, mid, to);
        merge(order, scratch, from, mid, to);
    }

    private void merge(int[] order, int[] scratch, int from, int mid, int to) {
        if (compareRows(order[mid - 1], order[mid]) <= 0) {
            return;
        }
        System.arraycopy(order, from, scratch, from, to - from);
        int i = from;
        int j = mid;
        int k = from;
        while (i < mid && j < to) {
            order[k++] = compareRows(scratch[j], scratch[i]) < 0 ? scratch[j++] : scratch[i++];
        }
        System.arraycopy(scratch, i, order, k, mid - i);
        System.arraycopy(scratch, j, order, k + mid - i, to - j);
    }

    private int compareRows(int a, int b) {
        int x = a * width;
        int y = b * width;
        for (int k = 0; k < width; k++) {
            int c = compareCells(keys[k], x + k, y + k);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** The rules of {@link SortSpec.Key#compare}, on cells. */
    private int compareCells(SortSpec.Key key, int x, int y) {
        int rx = ranks[x];
        int ry = ranks[y];
        if (rx == 0 || ry == 0) {
            if (rx == ry) {
                return 0;
            }
            return (rx == 0) == key.nullsFirst() ? -1 : 1;
        }
        int c;
        if (rx != ry) {
            c = Integer.compare(rx, ry);
        } else if (rx == 3) {
            c = ((String) exacts[x]).compareTo((String) exacts[y]);
        } else if (rx == 2 && exacts != null && (exacts[x] != null || exacts[y] != null)) {
            c = JsonValues.compareNumbers(numberNode(x), numberNode(y));
        } else {
            c = JsonValues.compareDoubles(numbers[x], numbers[y]);
        }
        return key.descending() ? -Integer.signum(c) : c;
    }

    private JsonNode numberNode(int cell) {
        return exacts[cell] != null ? (JsonNode) exacts[cell] : DoubleNode.valueOf(numbers[cell]);
    }

    /** Sorts both halves in parallel, then merges them. */
    private final class ParallelSort extends RecursiveAction {
        private static final long serialVersionUID = 1L;
        private final int[] order;
        private final int[] scratch;
        private final int from;
        private final int to;

        ParallelSort(int[] order, int[] scratch, int from, int to) {
            this.order = order;
            this.scratch = scratch;
            this.from = from;
            this.to = to;
        }

        @Override
        protected void compute() {
            if (to - from <= SEQUENTIAL_SORT) {
                sort(order, scratch, from, to);
                return;
            }
            int mid = (from + to) >>> 1;
            invokeAll(new ParallelSort(order, scratch, from, mid), new ParallelSort(order, scratch, mid, to));
            merge(order, scratch, from, mid, to);
        }
    }
}
