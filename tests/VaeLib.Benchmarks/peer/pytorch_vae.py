#!/usr/bin/env python3
"""The PyTorch peer of VaeLib's benchmark: the classic PyTorch VAE example (pytorch/examples, vae/main.py).

MLP 784-400-20, ReLU, sigmoid output, loss = binary cross-entropy (summed) + analytic KL, Adam 1e-3, batch 128,
a shuffling DataLoader over Fashion-MNIST read from the IDX files as uint8 and converted per item to floats in
[0, 1] (what torchvision's ToTensor gives). --model conv swaps in the same convolutional VAE that `vae train --model
conv` builds. --loader tensor replaces the DataLoader with batches sliced by index from one float tensor of the
whole set (the fastest way to feed this model in PyTorch; the benchmark reports both). Prints one JSON line per
epoch: seconds, samples/s, train and test loss per item, resident memory. Torchvision is not needed.
"""
import argparse
import gzip
import json
import os
import resource
import struct
import sys
import time

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, Dataset


def read_idx(path):
    with gzip.open(path, "rb") as stream:
        data = stream.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 0x00000803:
        rows, columns = struct.unpack(">II", data[8:16])
        return torch.frombuffer(bytearray(data[16:]), dtype=torch.uint8).view(count, 1, rows, columns)
    raise ValueError(f"{path}: not an IDX image file (magic {magic:#x})")


class Images(Dataset):
    """uint8 images held once; each item converted to float32 in [0, 1], as ToTensor does."""

    def __init__(self, images):
        self.images = images

    def __len__(self):
        return self.images.shape[0]

    def __getitem__(self, index):
        return self.images[index].float().div(255), 0


class TensorBatches:
    """Batches sliced by index from one float32 tensor of the whole set, reshuffled every pass."""

    def __init__(self, images, batch, shuffle):
        self.images = images.float().div(255)
        self.batch = batch
        self.shuffle = shuffle

    def __iter__(self):
        count = self.images.shape[0]
        order = torch.randperm(count) if self.shuffle else torch.arange(count)
        for start in range(0, count, self.batch):
            yield self.images.index_select(0, order[start:start + self.batch]), None


class MlpVae(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def forward(self, x):
        h1 = F.relu(self.fc1(x.view(-1, 784)))
        mu, logvar = self.fc21(h1), self.fc22(h1)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z)))), mu, logvar


class ConvVae(nn.Module):
    """The architecture of `vae train --model conv`: two stride-2 4x4 convolutions (32, 64), a 400 dense layer,
    latent 20, and the mirror image with transposed convolutions."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(),
            nn.Flatten(1), nn.Linear(64 * 7 * 7, 400), nn.ReLU())
        self.mean = nn.Linear(400, 20)
        self.log_variance = nn.Linear(400, 20)
        self.decoder = nn.Sequential(
            nn.Linear(20, 400), nn.ReLU(), nn.Linear(400, 64 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
            nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(32, 1, 4, 2, 1))

    def forward(self, x):
        h = self.encoder(x)
        mu, logvar = self.mean(h), self.log_variance(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return torch.sigmoid(self.decoder(z)).view(-1, 784), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    bce = F.binary_cross_entropy(recon_x, x.view(-1, 784), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def resident_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--model", choices=["mlp", "conv"], default="mlp")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--loader", choices=["dataloader", "tensor"], default="dataloader")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train = Images(read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz")))
    test = Images(read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz")))
    if args.loader == "dataloader":
        train_loader = DataLoader(train, batch_size=args.batch, shuffle=True)
        test_loader = DataLoader(test, batch_size=args.batch, shuffle=False)
    else:
        train_loader = TensorBatches(train.images, args.batch, shuffle=True)
        test_loader = TensorBatches(test.images, args.batch, shuffle=False)
    model = MlpVae() if args.model == "mlp" else ConvVae()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    for epoch in range(1, args.epochs + 1):
        model.train()
        train_loss = 0.0
        start = time.perf_counter()
        for data, _ in train_loader:
            optimizer.zero_grad()
            recon, mu, logvar = model(data)
            loss = loss_function(recon, data, mu, logvar)
            loss.backward()
            train_loss += loss.item()
            optimizer.step()
        seconds = time.perf_counter() - start

        model.eval()
        test_loss = 0.0
        with torch.no_grad():
            for data, _ in test_loader:
                recon, mu, logvar = model(data)
                test_loss += loss_function(recon, data, mu, logvar).item()
        print(json.dumps({
            "epoch": epoch,
            "seconds": round(seconds, 3),
            "samples_per_s": round(len(train) / seconds, 1),
            "train_loss": train_loss / len(train),
            "test_loss": test_loss / len(test),
            "rss_mb": round(resident_mb(), 1),
            "threads": torch.get_num_threads(),
            "loader": args.loader,
            "torch": torch.__version__,
        }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
