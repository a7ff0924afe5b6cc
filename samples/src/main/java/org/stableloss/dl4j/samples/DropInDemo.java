package org.stableloss.dl4j.samples;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.stableloss.dl4j.LossSkipGram;
import org.stableloss.dl4j.graph.DotProductVertex;

/**
 * LossSkipGram as a drop-in replacement for LossBinaryXENT: the same skip-gram graph, one line changed, and a
 * confidently wrong positive pair (logit -40) that LossBinaryXENT never corrects and LossSkipGram fixes in a few
 * steps. Run: {@code samples/run.sh DropInDemo}.
 */
public final class DropInDemo {

    private DropInDemo() {
    }

    /** The graph; {@code loss} is the only thing that differs between "before" and "after". */
    static ComputationGraphConfiguration config(ILossFunction loss) {
        return new NeuralNetConfiguration.Builder()
                .seed(1).dataType(DataType.FLOAT).updater(new Sgd(0.05)).miniBatch(false)
                .graphBuilder()
                .addInputs("anchor", "context")
                .addLayer("anchorEmb", new EmbeddingLayer.Builder().nIn(2).nOut(4).hasBias(false)
                        .activation(Activation.IDENTITY).build(), "anchor")
                .addLayer("contextEmb", new EmbeddingLayer.Builder().nIn(2).nOut(4).hasBias(false)
                        .activation(Activation.IDENTITY).build(), "context")
                .addVertex("dot", new DotProductVertex(), "anchorEmb", "contextEmb")
                .addLayer("loss", new LossLayer.Builder(loss).activation(Activation.SIGMOID).build(), "dot")
                .setOutputs("loss")
                .build();
    }

    /** A minimal LCS line diff: "- " lines only in a, "+ " lines only in b. */
    static List<String> diff(List<String> a, List<String> b) {
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                i++;
                j++;
            } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add("  + " + b.get(j++).strip());
            } else {
                out.add("  - " + a.get(i++).strip());
            }
        }
        return out;
    }

    /**
     * Prints the demo's table to standard output.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.println("""
                Before:  .addLayer("loss", new LossLayer.Builder(new LossBinaryXENT()).activation(Activation.SIGMOID).build(), "dot")
                After:   .addLayer("loss", new LossLayer.Builder(new LossSkipGram()).activation(Activation.SIGMOID).build(), "dot")
                (LossSkipGram takes the preOutput as the logit with SIGMOID or IDENTITY: the sigmoid is fused into it.)
                """);
        List<String> before = config(new LossBinaryXENT()).toJson().lines().toList();
        List<String> after = config(new LossSkipGram()).toJson().lines().toList();
        System.out.printf(Locale.ROOT, "Configuration JSON (%d vs %d lines), the differences:%n%s%n%n",
                before.size(), after.size(), String.join("\n", diff(before, after)));

        System.out.println("A confidently wrong positive pair: anchor . context = -40, label 1; plus a negative pair"
                + " at +0.5, label 0. Plain SGD, lr 0.05.");
        int[] show = {0, 1, 2, 5, 10, 50, 200};
        double[][] logits = new double[2][];
        String[] names = {"LossBinaryXENT", "LossSkipGram"};
        ILossFunction[] losses = {new LossBinaryXENTIntact(), new LossSkipGram()};
        System.out.println("(logits of the positive and the negative pair; score = mean loss over the 2 pairs)");
        System.out.printf(Locale.ROOT, "%6s | %-36s | %-36s%n", "step", names[0], names[1]);
        ComputationGraph[] nets = new ComputationGraph[2];
        for (int n = 0; n < 2; n++) {
            nets[n] = new ComputationGraph(config(losses[n]));
            nets[n].init();
            // anchor 0 = (2,2,2,2); context 0 = (-5,-5,-5,-5): logit -40. context 1 = (0.0625,...): logit +0.5
            nets[n].getLayer("anchorEmb").setParam("W", Nd4j.create(new float[][]{{2, 2, 2, 2}, {0, 0, 0, 0}}));
            nets[n].getLayer("contextEmb").setParam("W",
                    Nd4j.create(new float[][]{{-5, -5, -5, -5}, {0.0625f, 0.0625f, 0.0625f, 0.0625f}}));
        }
        INDArray anchor = Nd4j.create(new float[][]{{0}, {0}});
        INDArray context = Nd4j.create(new float[][]{{0}, {1}});
        INDArray labels = Nd4j.create(new float[][]{{1}, {0}});
        int step = 0;
        for (int s : show) {
            while (step < s) {
                for (ComputationGraph net : nets) {
                    net.fit(new INDArray[]{anchor, context}, new INDArray[]{labels});
                }
                step++;
            }
            String[] cells = new String[2];
            for (int n = 0; n < 2; n++) {
                INDArray x = nets[n].feedForward(new INDArray[]{anchor, context}, false).get("dot");
                nets[n].setInputs(anchor, context);
                nets[n].setLabels(labels);
                nets[n].computeGradientAndScore();
                cells[n] = String.format(Locale.ROOT, "%9.3f, %9.3f  (score %.4g)", x.getDouble(0, 0),
                        x.getDouble(1, 0), nets[n].score());
            }
            System.out.printf(Locale.ROOT, "%6d | %-36s | %-36s%n", s, cells[0], cells[1]);
        }
        System.out.println("""

                LossBinaryXENT: sigmoid(-40) = 4e-18 in float32, so dL/dx = sigmoid'(x) * dL/dp ~ 4e-13: the wrong pair \
                never moves (and its loss reads 11.5, the clip at 1e-5, not 40).
                LossSkipGram: dL/dx = -sigmoid(40) = -1 exactly, the pair is corrected within a few steps.""");
    }
}
