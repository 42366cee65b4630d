"""PyTorch peer for the deep-architecture benchmark: the same CNN and LSTM as sparknn's defaults on Fashion-MNIST
shaped data (random pixels; speed only), one thread. Prints JSON lines {net, train_rows_per_s, score_rows_per_s}.
Usage: python3 torch_deep.py [rows] [rounds]"""
import json, sys, time
try:
    import torch
    import torch.nn as nn
except ImportError as e:
    print("PyTorch is not installed (%s); apt-get install python3-torch" % e)
    sys.exit(3)

torch.set_num_threads(1)
rows = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
torch.manual_seed(0)
x = torch.rand(rows, 1, 28, 28)
y = torch.randint(0, 10, (rows,))

class Rows(nn.Module):
    def __init__(self, cell, hidden):
        super().__init__()
        self.rnn = cell(28, hidden, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    def forward(self, x):
        out, _ = self.rnn(x.view(-1, 28, 28))
        return self.head(out[:, -1])

nets = {
    "cnn": lambda: nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                 nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                 nn.Linear(64 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10)),
    "lstm": lambda: Rows(nn.LSTM, 128),
    "gru": lambda: Rows(nn.GRU, 128),
}
for name in (sys.argv[3].split(",") if len(sys.argv) > 3 else nets):
    net = nets[name]()
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    loss = nn.CrossEntropyLoss()
    best_train = best_score = 0.0
    for _ in range(rounds):
        t = time.perf_counter()
        perm = torch.randperm(rows)
        for s in range(0, rows, 256):
            idx = perm[s:s + 256]
            opt.zero_grad()
            loss(net(x[idx]), y[idx]).backward()
            opt.step()
        best_train = max(best_train, rows / (time.perf_counter() - t))
        t = time.perf_counter()
        with torch.no_grad():
            for s in range(0, rows, 1024):
                net(x[s:s + 1024])
        best_score = max(best_score, rows / (time.perf_counter() - t))
    print(json.dumps({"net": name, "train_rows_per_s": round(best_train), "score_rows_per_s": round(best_score),
                      "threads": torch.get_num_threads()}), flush=True)
